package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/outreach"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/components"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// renderOutreach shows the log of ?ar= (every year when empty), page ?side=, with p's form,
// message and status.
func (s *Server) renderOutreach(w http.ResponseWriter, r *http.Request, status int, p pages.OutreachPage) {
	ctx := r.Context()
	year, _ := strconv.Atoi(r.URL.Query().Get("ar"))
	if year < 2000 || year > s.now().Year() {
		year = 0
	}
	list, total, err := outreach.NewStore(s.db).List(ctx, year, pageNumber(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.List, p.Year, p.Now = list, year, s.now()
	p.Pager = components.Pager{Page: pageNumber(r), PerPage: outreach.PerPage, Total: total, URL: func(n int) string {
		q := r.URL.Query()
		q.Set("side", strconv.Itoa(n))
		return "/admin/utadrettet?" + q.Encode()
	}}
	for y := s.now().Year(); y >= s.now().Year()-5; y-- {
		p.Years = append(p.Years, y)
	}
	s.render(w, r, status, i18n.T(ctx, "outreach.title"), pages.Outreach(p))
}

func (s *Server) outreachPage(w http.ResponseWriter, r *http.Request) {
	s.renderOutreach(w, r, http.StatusOK, pages.OutreachPage{})
}

// outreachAdd logs an activity; the undo of a deletion posts the deleted one here again.
func (s *Server) outreachAdd(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p := pages.OutreachPage{Form: outreach.Form{HeldOn: f.Get("held_on"), Kind: f.Get("kind"), Audience: f.Get("audience"),
		Reach: f.Get("reach"), Staff: f.Get("staff"), Note: f.Get("note")}}
	_, err := outreach.NewStore(s.db).Add(r.Context(), &p.Form, actor(r).ID, s.now())
	if errors.As(err, &p.Errors) {
		s.renderOutreach(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if f.Get("angre") != "" {
		s.flash(r, "outreach.restored")
	} else {
		s.flash(r, "outreach.added")
	}
	http.Redirect(w, r, "/admin/utadrettet", http.StatusSeeOther)
}

// outreachDelete deletes an activity and shows the log with a button that logs it again.
func (s *Server) outreachDelete(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	a, err := outreach.NewStore(s.db).Delete(r.Context(), pathID(r))
	if errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderOutreach(w, r, http.StatusOK, pages.OutreachPage{Message: "outreach.deleted", Deleted: &a})
}

// reportIntro saves the introduction of a year's report.
func (s *Server) reportIntro(w http.ResponseWriter, r *http.Request) {
	year, ok := s.reportYear(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	text := r.PostFormValue("intro")
	err := outreach.SetIntro(r.Context(), s.db, year, text, actor(r).ID)
	var errs validate.Errors
	if errors.As(err, &errs) {
		s.renderReport(w, r, http.StatusUnprocessableEntity, year, text, errs)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "report.intro.saved")
	http.Redirect(w, r, "/admin/rapport/"+strconv.Itoa(year), http.StatusSeeOther)
}
