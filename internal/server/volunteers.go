package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The register of volunteer starters (igangsettere). Their pages show contact details, so
// they are not stored by the browser.

// noStore keeps the page out of the browser's cache: it shows a volunteer's contact details.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// volunteerList is the register: ?q= searches name, e-mail and phone; ?vis= is active
// (default), inactive or all.
func (s *Server) volunteerList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	l := pages.VolunteerListPage{Filter: volunteers.Filter{Query: q.Get("q"), Show: volunteers.ShowOf(q.Get("vis"))}}
	var err error
	if l.Volunteers, l.Total, err = volunteers.NewStore(s.db).List(ctx, l.Filter, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	l.Pager = pager(r, l.Total)
	page := s.layout(r, i18n.T(ctx, "volunteers.title"))
	page.NoIndex = true
	noStore(w)
	s.renderPage(w, r, http.StatusOK, page, pages.VolunteerList(l))
}

func (s *Server) newVolunteerPage(w http.ResponseWriter, r *http.Request) {
	s.renderVolunteer(w, r, http.StatusOK, pages.VolunteerFormPage{Form: volunteers.NewForm()})
}

// volunteerFromPath loads the volunteer named in the URL; it answers 404 itself when there is
// none.
func (s *Server) volunteerFromPath(w http.ResponseWriter, r *http.Request) (volunteers.Volunteer, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return volunteers.Volunteer{}, false
	}
	v, err := volunteers.NewStore(s.db).Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return v, false
	}
	return v, true
}

func (s *Server) volunteerPage(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.volunteerFromPath(w, r); ok {
		s.renderVolunteer(w, r, http.StatusOK, pages.VolunteerFormPage{ID: v.ID, Form: volunteers.FormOf(v)})
	}
}

// renderVolunteer adds the themes to choose from and, for a volunteer who exists, the groups
// they have had.
func (s *Server) renderVolunteer(w http.ResponseWriter, r *http.Request, status int, p pages.VolunteerFormPage) {
	ctx := r.Context()
	var err error
	if p.Themes, err = groups.NewStore(s.db).Themes(ctx); err == nil && p.ID != 0 {
		p.Assignments, err = volunteers.NewStore(s.db).VolunteerAssignments(ctx, p.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	title := i18n.T(ctx, "volunteers.new")
	if p.ID != 0 {
		title = p.Form.Name
	}
	page := s.layout(r, title)
	page.NoIndex = true
	noStore(w)
	s.renderPage(w, r, status, page, pages.VolunteerEdit(p))
}

// saveVolunteer creates a volunteer (at /ny) or changes the one in the URL.
func (s *Server) saveVolunteer(w http.ResponseWriter, r *http.Request) {
	var p pages.VolunteerFormPage
	if r.PathValue("id") != "" {
		v, ok := s.volunteerFromPath(w, r)
		if !ok {
			return
		}
		p.ID = v.ID
	}
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	p.Form = volunteers.Form{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), TrainedOn: f.Get("trained_on"),
		Availability: f["availability"], Notes: f.Get("notes"), Active: f.Get("active") == "on", Themes: formIDs(f["themes"])}
	store, today := volunteers.NewStore(s.db), volunteers.Today(s.now())
	var v volunteers.Volunteer
	var err error
	if p.ID == 0 {
		v, err = store.Create(r.Context(), p.Form, today)
	} else {
		v, err = store.Update(r.Context(), p.ID, p.Form, today)
	}
	if errors.As(err, &p.Errors) {
		s.renderVolunteer(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "volunteers.saved")
	http.Redirect(w, r, "/admin/igangsettere/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
}

// formIDs reads the ids among values; anything else is left out.
func formIDs(values []string) []int64 {
	var ids []int64
	for _, v := range values {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
