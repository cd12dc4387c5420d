package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The staff's pages for themes and groups. Groups hold no personal data, so changes to them
// are not audited; the status history says who changed a group's status.

func (s *Server) adminThemes(w http.ResponseWriter, r *http.Request) {
	list, total, err := groups.NewStore(s.db).ListThemes(r.Context(), perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "themes.title"), pages.AdminThemes(pages.AdminThemeList{Themes: list, Pager: pager(r, total)}))
}

func (s *Server) newThemePage(w http.ResponseWriter, r *http.Request) {
	s.renderTheme(w, r, http.StatusOK, pages.ThemeFormPage{Form: groups.ThemeForm{Published: true}})
}

func (s *Server) renderTheme(w http.ResponseWriter, r *http.Request, status int, p pages.ThemeFormPage) {
	title := i18n.T(r.Context(), "themes.new")
	if p.ID != 0 {
		title = p.Form.NameNB
	}
	s.render(w, r, status, title, pages.ThemeEdit(p))
}

func parseThemeForm(r *http.Request) groups.ThemeForm {
	f := r.PostForm
	return groups.ThemeForm{Slug: f.Get("slug"), NameNB: f.Get("name_nb"), NameEN: f.Get("name_en"),
		DescriptionNB: f.Get("description_nb"), DescriptionEN: f.Get("description_en"), Published: f.Get("published") == "on"}
}

func (s *Server) createTheme(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := pages.ThemeFormPage{Form: parseThemeForm(r)}
	_, err := groups.NewStore(s.db).CreateTheme(r.Context(), p.Form)
	s.themeSaved(w, r, p, err, "themes.created")
}

// themeSaved answers a theme form: 422 with the input and the problems, or a flash and
// back to the list.
func (s *Server) themeSaved(w http.ResponseWriter, r *http.Request, p pages.ThemeFormPage, err error, flash string) {
	if errors.As(err, &p.Errors) {
		p.Form.Validate() // show the input trimmed, with the slug it would get
		s.renderTheme(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, flash)
	http.Redirect(w, r, "/admin/tema", http.StatusSeeOther)
}

// themeFromPath loads the theme named in the URL; it answers 404 itself when there is none.
func (s *Server) themeFromPath(w http.ResponseWriter, r *http.Request) (groups.Theme, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return groups.Theme{}, false
	}
	t, err := groups.NewStore(s.db).GetTheme(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return t, false
	}
	return t, true
}

func (s *Server) editThemePage(w http.ResponseWriter, r *http.Request) {
	if t, ok := s.themeFromPath(w, r); ok {
		s.renderTheme(w, r, http.StatusOK, pages.ThemeFormPage{ID: t.ID, Form: groups.ThemeFormOf(t)})
	}
}

func (s *Server) updateTheme(w http.ResponseWriter, r *http.Request) {
	t, ok := s.themeFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := pages.ThemeFormPage{ID: t.ID, Form: parseThemeForm(r)}
	_, err := groups.NewStore(s.db).UpdateTheme(r.Context(), t.ID, p.Form)
	s.themeSaved(w, r, p, err, "themes.saved")
}

func (s *Server) adminGroups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := pages.AdminGroupList{Query: q.Get("q"), Status: q.Get("status")}
	list, total, err := groups.NewStore(s.db).ListAll(r.Context(), groups.AdminFilter{Query: l.Query, Status: l.Status}, perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	l.Groups, l.Pager = list, pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "groups.title"), pages.AdminGroups(l))
}

// newGroupPage is the new group form, filled in from a matcher's proposal when the query
// says so (?tema=&format=&dag=&del=&sprak=&plasser=), with the rooms free at that time.
func (s *Server) newGroupPage(w http.ResponseWriter, r *http.Request) {
	p := pages.GroupFormPage{Form: groups.NewForm()}
	q := r.URL.Query()
	if theme, err := strconv.ParseInt(q.Get("tema"), 10, 64); err == nil {
		p.Form.Themes = []int64{theme}
	}
	if f := q.Get("format"); slices.Contains(groups.Formats, f) {
		p.Form.Format = f
	}
	if l := q.Get("sprak"); l == "nb" || l == "en" {
		p.Form.Language = l
	}
	if n, err := strconv.Atoi(q.Get("plasser")); err == nil && n > 8 && n <= 60 {
		p.Form.Capacity = strconv.Itoa(n)
	}
	day, _ := strconv.Atoi(q.Get("dag"))
	times := map[string][2]string{groups.Morning: {"10:00", "11:30"}, groups.Afternoon: {"13:00", "14:30"}, groups.Evening: {"18:00", "19:30"}}
	if t, ok := times[q.Get("del")]; ok && day >= 1 && day <= 7 {
		p.Form.Weekday, p.Form.Starts, p.Form.Ends = day, t[0], t[1]
		if groups.AtHouse(p.Form.Format) {
			var err error
			if p.FreeRooms, err = s.freeRooms(r, day, t[0], t[1]); err != nil {
				s.serverError(w, r, err)
				return
			}
			p.RoomsChecked = true
		}
	}
	s.renderGroup(w, r, http.StatusOK, p)
}

// freeRooms lists the rooms free at the weekday and times for the coming eight weeks.
func (s *Server) freeRooms(r *http.Request, weekday int, start, end string) ([]rooms.Room, error) {
	from, _ := tz.ParseClock(start)
	to, _ := tz.ParseClock(end)
	today := tz.Midnight(s.now())
	first := today.AddDate(0, 0, (weekday-tz.Weekday(today)+7)%7)
	slots := rooms.Series{First: first, Start: from, End: to, Frequency: rooms.Weekly, Count: 8}.Slots()
	return s.rooms().FreeRooms(r.Context(), slots)
}

// renderGroup adds what the group page needs besides the form: the themes and organisations
// to choose from and, for an existing group, its status history.
func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, status int, p pages.GroupFormPage) {
	ctx := r.Context()
	store := groups.NewStore(s.db)
	var err error
	if p.Themes, err = store.Themes(ctx); err == nil {
		p.Orgs, err = orgs.NewStore(s.db).Options(ctx)
	}
	if err == nil && p.Group.ID != 0 {
		p.History, err = store.History(ctx, p.Group.ID)
	}
	if err == nil && p.Group.ID != 0 {
		p.Mismatches, err = rooms.Mismatches(ctx, s.db, p.Group.ID, s.now())
	}
	if err == nil && groups.Online(p.Group.Format) && p.LinkErrors == nil {
		p.Link, err = store.MeetingLink(ctx, p.Group.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	title := p.Group.Name
	if p.Group.ID == 0 {
		title = i18n.T(ctx, "groups.new")
	}
	if p.Status == "" {
		p.Status = p.Group.Status
	}
	s.render(w, r, status, title, pages.GroupEdit(p))
}

func parseGroupForm(r *http.Request) groups.Form {
	f := r.PostForm
	weekday, _ := strconv.Atoi(f.Get("weekday"))
	org, _ := strconv.ParseInt(f.Get("org"), 10, 64)
	g := groups.Form{Name: f.Get("name"), Slug: f.Get("slug"), Kind: f.Get("kind"), Format: f.Get("format"),
		Platform: f.Get("platform"), Venue: f.Get("venue"), Weekday: weekday, Starts: f.Get("starts"), Ends: f.Get("ends"),
		Frequency: f.Get("frequency"), Language: f.Get("language"), Capacity: f.Get("capacity"), Open: f.Get("open") == "on",
		TwelveStep: f.Get("twelve_step") == "on", OpenMeeting: f.Get("open_meeting") == "on", OrgID: org, DescriptionNB: f.Get("description_nb"),
		DescriptionEN: f.Get("description_en")}
	for _, v := range f["themes"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			g.Themes = append(g.Themes, id)
		}
	}
	return g
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := pages.GroupFormPage{Form: parseGroupForm(r)}
	g, err := groups.NewStore(s.db).Create(r.Context(), p.Form, currentUser(r).ID)
	s.groupSaved(w, r, p, g, err, "groups.created")
}

// groupSaved answers the group form: 422 with the input and the problems, or a flash and the
// group's page.
func (s *Server) groupSaved(w http.ResponseWriter, r *http.Request, p pages.GroupFormPage, g groups.Group, err error, flash string) {
	if errors.As(err, &p.Errors) {
		p.Form.Validate() // show the input trimmed, with the slug it would get
		s.renderGroup(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, flash)
	http.Redirect(w, r, "/admin/grupper/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}

// groupFromPath loads the group named in the URL; it answers 404 itself when there is none.
func (s *Server) groupFromPath(w http.ResponseWriter, r *http.Request) (groups.Group, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return groups.Group{}, false
	}
	g, err := groups.NewStore(s.db).Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return g, false
	}
	return g, true
}

func (s *Server) editGroupPage(w http.ResponseWriter, r *http.Request) {
	if g, ok := s.groupFromPath(w, r); ok {
		s.renderGroup(w, r, http.StatusOK, pages.GroupFormPage{Group: g, Form: groups.FormOf(g)})
	}
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := pages.GroupFormPage{Group: g, Form: parseGroupForm(r)}
	_, err := groups.NewStore(s.db).Update(r.Context(), g.ID, p.Form)
	s.groupSaved(w, r, p, g, err, "groups.saved")
}

// setGroupStatus moves the group to a new status; the store writes the history line.
func (s *Server) setGroupStatus(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := pages.GroupFormPage{Group: g, Form: groups.FormOf(g), Status: r.PostFormValue("status"), Note: r.PostFormValue("note")}
	err := groups.NewStore(s.db).SetStatus(r.Context(), g.ID, p.Status, currentUser(r).ID, p.Note)
	var errs validate.Errors
	if errors.As(err, &errs) {
		p.StatusErrors = errs
		s.renderGroup(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "groups.status.saved")
	http.Redirect(w, r, "/admin/grupper/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}

// setGroupPublished shows the group in the catalogue, or hides it.
func (s *Server) setGroupPublished(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	publish := r.PostFormValue("published") == "true"
	if err := groups.NewStore(s.db).SetPublished(r.Context(), g.ID, publish); err != nil {
		s.serverError(w, r, err)
		return
	}
	flash := "groups.unpublished"
	if publish {
		flash = "groups.published.done"
	}
	s.flash(r, flash)
	http.Redirect(w, r, "/admin/grupper/"+strconv.FormatInt(g.ID, 10), http.StatusSeeOther)
}
