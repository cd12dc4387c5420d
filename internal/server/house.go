package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The house's opening hours and closures. Bookings outside them are refused unless staff
// give an override reason; the public holidays are computed (rooms.Holidays).

func (s *Server) housePage(w http.ResponseWriter, r *http.Request) {
	s.renderHouse(w, r, http.StatusOK, pages.HousePage{})
}

// renderHouse fills in what p lacks: the stored hours (unless p holds them as typed), the
// closures from today on and the coming public holidays.
func (s *Server) renderHouse(w http.ResponseWriter, r *http.Request, status int, p pages.HousePage) {
	ctx := r.Context()
	if p.Hours[0].Weekday == 0 {
		week, err := s.rooms().OpeningHours(ctx)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Hours = rooms.HoursFormOf(week)
	}
	today := tz.Midnight(s.now())
	var total int
	var err error
	if p.Closures, total, err = s.rooms().Closures(ctx, today, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, total)
	if p.Exceptions, err = s.rooms().Exceptions(ctx); err == nil {
		if p.Rooms, err = s.rooms().Rooms(ctx); err == nil {
			p.Groups, err = groups.NewStore(s.db).Options(ctx)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, h := range append(rooms.Holidays(today.Year()), rooms.Holidays(today.Year()+1)...) {
		if !h.Date.Before(today) {
			p.Holidays = append(p.Holidays, h)
		}
	}
	s.render(w, r, status, i18n.T(ctx, "house.title"), pages.House(p))
}

// saveHours replaces the weekly opening hours; a day is open when its box is ticked.
func (s *Server) saveHours(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	var p pages.HousePage
	p.Hours.Parse(r.PostForm)
	week, errs := p.Hours.Validate()
	if p.HoursErrors = errs; !errs.OK() {
		s.renderHouse(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err := s.rooms().SetOpeningHours(r.Context(), week); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "house.hours.saved")
	http.Redirect(w, r, "/admin/apningstider", http.StatusSeeOther)
}

// addClosure saves a closure of the house. Staff first see how many meetings it cancels and
// whom it tells, may add a line of their own, and then confirm (confirm=1).
func (s *Server) addClosure(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	var p pages.HousePage
	p.Closure.Parse(r.PostForm)
	c, errs := p.Closure.Validate()
	c.By = actor(r)
	p.ClosureErrors = errs
	if errs.Has("first") || errs.Has("last") || errs.Has("reason") {
		s.renderHouse(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if !p.Closure.Confirmed || !errs.OK() {
		preview, err := s.rooms().PreviewClosure(r.Context(), c)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Preview = &preview
		status := http.StatusOK
		if !errs.OK() {
			status = http.StatusUnprocessableEntity
		}
		s.renderHouse(w, r, status, p)
		return
	}
	if _, err := s.rooms().AddClosure(r.Context(), c); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "house.closures.added")
	http.Redirect(w, r, "/admin/apningstider", http.StatusSeeOther)
}

func (s *Server) deleteClosure(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := pathID(r)
	err := s.rooms().DeleteClosure(r.Context(), id)
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "house.closures.deleted")
	http.Redirect(w, r, "/admin/apningstider", http.StatusSeeOther)
}

// houseWeek shows every room's week (?uke=yyyy-mm-dd, any day of it; this week by default).
func (s *Server) houseWeek(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	day, err := tz.ParseDate(r.URL.Query().Get("uke"))
	if err != nil {
		day = s.now()
	}
	p := pages.HouseWeekPage{Monday: tz.Midnight(day).AddDate(0, 0, 1-tz.Weekday(day))}
	store := s.rooms()
	if p.Rooms, err = store.Rooms(ctx); err == nil {
		if p.Meetings, err = store.HouseBetween(ctx, p.Monday, p.Monday.AddDate(0, 0, 7)); err == nil {
			p.Closed, err = store.ClosedDaysBetween(ctx, p.Monday, p.Monday.AddDate(0, 0, 6))
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(ctx, "houseweek.title", "Week", strconv.Itoa(isoWeek(p.Monday))), pages.HouseWeek(p))
}

func isoWeek(t time.Time) int {
	_, w := t.ISOWeek()
	return w
}

// closureCancelPage asks staff to confirm cancelling the meetings still on in a closure,
// saying how many and whom it tells; it changes nothing.
func (s *Server) closureCancelPage(w http.ResponseWriter, r *http.Request) {
	s.renderClosureCancel(w, r, http.StatusOK, pages.ClosureCancelPage{})
}

func (s *Server) renderClosureCancel(w http.ResponseWriter, r *http.Request, status int, p pages.ClosureCancelPage) {
	ctx := r.Context()
	c, err := s.rooms().Closure(ctx, pathID(r))
	if errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err == nil {
		p.Closure = c
		p.Preview, err = s.rooms().PreviewCancelInClosure(ctx, c.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.Preview.Meetings == 0 {
		s.flash(r, "closed.cancel.none")
		http.Redirect(w, r, "/admin/apningstider", http.StatusSeeOther)
		return
	}
	s.render(w, r, status, i18n.T(ctx, "closed.cancel.title", "Reason", c.Reason), pages.ClosureCancel(p))
}

// cancelInClosure cancels every meeting still on in a closure in one step and shows whom it
// told and whom staff must phone.
func (s *Server) cancelInClosure(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := pages.ClosureCancelPage{Note: strings.TrimSpace(r.PostForm.Get("note"))}
	p.Errors.MaxLength("note", p.Note, rooms.MaxNote, "notice.note.tooLong")
	if !p.Errors.OK() {
		s.renderClosureCancel(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	id := pathID(r)
	done, err := s.rooms().CancelInClosure(ctx, id, p.Note, actor(r))
	if errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	var c rooms.Closure
	if err == nil {
		c, err = s.rooms().Closure(ctx, id)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(ctx, "closed.cancel.done", "Count", done.Meetings), pages.ClosureCancelled(c, done))
}

// addException saves a standing exception to the opening hours; the undo of a deletion posts
// the deleted one here again.
func (s *Server) addException(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := pages.HousePage{Exception: rooms.ParseException(r.PostForm)}
	x, errs := p.Exception.Validate()
	if p.ExceptionErrors = errs; !errs.OK() {
		s.renderHouse(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if _, err := s.rooms().AddException(r.Context(), x); errors.Is(err, postgres.ErrInvalid) {
		p.ExceptionErrors.Add("group", "exception.who.required")
		s.renderHouse(w, r, http.StatusUnprocessableEntity, p)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "exception.added")
	http.Redirect(w, r, "/admin/apningstider#unntak-tittel", http.StatusSeeOther)
}

// deleteException removes a standing exception and shows the page with a button that puts it
// back.
func (s *Server) deleteException(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	x, err := s.rooms().DeleteException(r.Context(), pathID(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderHouse(w, r, http.StatusOK, pages.HousePage{Deleted: &x})
}
