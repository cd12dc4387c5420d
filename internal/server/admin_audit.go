package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// auditLog lists the audit log, filtered by actor (e-mail), action, entity and dates.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	l := pages.AuditList{Actor: strings.TrimSpace(q.Get("aktor")), Action: q.Get("handling"),
		Entity: strings.TrimSpace(q.Get("objekt")), From: q.Get("fra"), To: q.Get("til")}
	f := audit.Filter{Action: l.Action, Entity: l.Entity}
	if l.Actor != "" {
		u, err := s.accounts().GetByEmail(ctx, l.Actor)
		switch {
		case errors.Is(err, postgres.ErrNotFound):
			l.Errors.Add("aktor", "auditlog.actor.unknown")
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			f.ActorID = u.ID
		}
	}
	f.From = parseDay(&l, "fra", &l.From)
	if to := parseDay(&l, "til", &l.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the chosen day is included
	}
	status := http.StatusOK
	if !l.Errors.OK() {
		status = http.StatusUnprocessableEntity
	} else {
		rows, total, err := audit.List(ctx, s.db, f, perPage, offset(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		l.Rows, l.Pager = rows, pager(r, total)
	}
	s.render(w, r, status, i18n.T(ctx, "auditlog.title"), pages.AuditLog(l))
}

// parseDay reads a yyyy-mm-dd date as the start of that day in Oslo; a bad date is a field
// error on the list. A date field cannot show a value that is not a date, so a bad one (only
// possible by editing the URL) is cleared rather than echoed.
func parseDay(l *pages.AuditList, field string, v *string) time.Time {
	if *v == "" {
		return time.Time{}
	}
	t, err := tz.ParseDate(*v)
	if err != nil {
		l.Errors.Add(field, "form.date.invalid")
		*v = ""
	}
	return t
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, nil, nil)
}

// renderSettings shows the settings page; form is the contact details as last typed, or nil
// for those saved.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, form *centre.Form, errs validate.Errors) {
	on, err := s.accounts().RequireTwoFactor(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if form == nil {
		c, err := centre.Read(r.Context(), s.db)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		f := centre.FormOf(c)
		form = &f
	}
	p := pages.SettingsPage{RequireTwoFactor: on, Contact: *form, Errors: errs}
	s.render(w, r, status, i18n.T(r.Context(), "settings.title"), pages.Settings(p))
}

func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	on := r.PostFormValue("require_two_factor") == "on"
	if err := s.accounts().SetRequireTwoFactor(r.Context(), on, actor(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "settings.saved")
	http.Redirect(w, r, "/admin/innstillinger", http.StatusSeeOther)
}
