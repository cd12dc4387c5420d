package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The key register: keys and cards to the rooms, handed out and returned. The store writes
// every hand-out and return to the audit log in the same transaction.

// keyList shows one page of keys: all, out, overdue (?vis=overdue) or out after the
// agreement ended, with the count of each.
func (s *Server) keyList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	store := keys.NewStore(s.db)
	l := pages.KeyListPage{Show: keys.ShowOf(r.URL.Query().Get("vis")), Now: s.now()}
	var err error
	if l.Counts, err = store.Counts(ctx, l.Now); err == nil {
		l.Keys, err = store.List(ctx, l.Show, l.Now, perPage, offset(r))
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	l.Pager = pager(r, l.Counts.Of(l.Show))
	s.render(w, r, http.StatusOK, i18n.T(ctx, "keys.title"), pages.KeyList(l))
}

func (s *Server) newKeyPage(w http.ResponseWriter, r *http.Request) {
	s.renderNewKey(w, r, http.StatusOK, pages.KeyFormPage{Form: keys.Form{Kind: keys.KindKey}})
}

// renderNewKey adds the rooms to choose from to the key form.
func (s *Server) renderNewKey(w http.ResponseWriter, r *http.Request, status int, p pages.KeyFormPage) {
	var err error
	if p.Rooms, err = keys.NewStore(s.db).Rooms(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, i18n.T(r.Context(), "keys.new"), pages.KeyNew(p))
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p := pages.KeyFormPage{Form: keys.Form{Label: f.Get("label"), Kind: f.Get("kind"), Note: f.Get("note")}}
	for _, v := range f["rooms"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			p.Form.Rooms = append(p.Form.Rooms, id)
		}
	}
	k, err := keys.NewStore(s.db).Create(r.Context(), p.Form)
	if errors.As(err, &p.Errors) {
		p.Form.Validate() // show the input trimmed
		s.renderNewKey(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "keys.created")
	http.Redirect(w, r, "/admin/nokler/"+strconv.FormatInt(k.ID, 10), http.StatusSeeOther)
}

// keyFromPath loads the key named in the URL; it answers 404 itself when there is none.
func (s *Server) keyFromPath(w http.ResponseWriter, r *http.Request) (keys.Key, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return keys.Key{}, false
	}
	k, err := keys.NewStore(s.db).Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return k, false
	}
	return k, true
}

func (s *Server) keyPage(w http.ResponseWriter, r *http.Request) {
	if k, ok := s.keyFromPath(w, r); ok {
		s.renderKey(w, r, http.StatusOK, pages.KeyPage{Key: k})
	}
}

// renderKey adds what the key page needs besides the key: its history, and the groups and
// standing agreements the hand-out form offers.
func (s *Server) renderKey(w http.ResponseWriter, r *http.Request, status int, p pages.KeyPage) {
	ctx := r.Context()
	store := keys.NewStore(s.db)
	p.Now = s.now()
	var err error
	if p.History, err = store.History(ctx, p.Key.ID); err == nil {
		if p.Groups, err = groups.NewStore(s.db).Options(ctx); err == nil {
			p.Agreements, err = store.Agreements(ctx, p.Now)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Undo = keys.CanUndo(p.Key, p.History, p.Now)
	page := s.layout(r, p.Key.Label)
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store") // the holder's phone number
	s.renderPage(w, r, status, page, pages.KeyDetail(p))
}

// handOutKey lends the key to the person named in the form.
func (s *Server) handOutKey(w http.ResponseWriter, r *http.Request) {
	k, ok := s.keyFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p := pages.KeyPage{Key: k, Form: keys.LoanForm{HolderName: f.Get("holder_name"), HolderPhone: f.Get("holder_phone"), Due: f.Get("due")}}
	p.Form.GroupID, _ = strconv.ParseInt(f.Get("group"), 10, 64)
	p.Form.BookingID, _ = strconv.ParseInt(f.Get("agreement"), 10, 64)
	_, err := keys.NewStore(s.db).HandOut(r.Context(), k.ID, p.Form, actor(r), s.now())
	if errors.As(err, &p.Errors) {
		if p.Key, err = keys.NewStore(s.db).Get(r.Context(), k.ID); err != nil { // it may have gone out meanwhile
			s.serverError(w, r, err)
			return
		}
		p.Form.Due = p.Form.DueField()
		s.renderKey(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r) // retired
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "keys.handOut.done")
	http.Redirect(w, r, "/admin/nokler/"+strconv.FormatInt(k.ID, 10), http.StatusSeeOther)
}

// returnKey takes the key back into the house. A second press (the key is in) says so.
func (s *Server) returnKey(w http.ResponseWriter, r *http.Request) {
	k, ok := s.keyFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	_, err := keys.NewStore(s.db).Return(r.Context(), k.ID, actor(r), s.now())
	flash := "keys.return.done"
	if errors.Is(err, keys.ErrNotOut) {
		flash = "keys.return.notOut"
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, flash)
	http.Redirect(w, r, "/admin/nokler/"+strconv.FormatInt(k.ID, 10), http.StatusSeeOther)
}

// undoKeyReturn takes back a return registered a moment ago by mistake.
func (s *Server) undoKeyReturn(w http.ResponseWriter, r *http.Request) {
	k, ok := s.keyFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := keys.NewStore(s.db).UndoReturn(r.Context(), k.ID, actor(r), s.now())
	switch {
	case errors.Is(err, keys.ErrNoUndo):
		s.flash(r, "keys.return.undo.late")
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		s.flash(r, "keys.return.undone")
	}
	http.Redirect(w, r, "/admin/nokler/"+strconv.FormatInt(k.ID, 10), http.StatusSeeOther)
}

// keyAudit is the yearly audit list (?ar=2026; this year in Oslo when none is given).
func (s *Server) keyAudit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := pages.KeyAuditPage{Now: s.now(), Input: strings.TrimSpace(r.URL.Query().Get("ar"))}
	year, status := keys.Today(p.Now).Year(), http.StatusOK
	if p.Input == "" {
		p.Input = strconv.Itoa(year)
	} else if n, err := strconv.Atoi(p.Input); err == nil && n >= 2000 && n <= 2200 {
		year = n
	} else {
		p.Errors.Add("ar", "keys.audit.year.invalid")
		status = http.StatusUnprocessableEntity
	}
	p.Year.Year = year
	if p.Errors.OK() {
		var err error
		if p.Year, err = keys.NewStore(s.db).Audit(ctx, year); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	page := s.layout(r, i18n.T(ctx, "keys.audit.title", "Year", strconv.Itoa(year)))
	page.NoIndex = true
	s.renderPage(w, r, status, page, pages.KeyAudit(p))
}
