package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// rooms is the rooms store on the pool, with the outbox its answers, links and notices are
// sent by, and the group's members (signups) a cancellation tells.
func (s *Server) rooms() *rooms.Store {
	return rooms.NewStore(s.db, s.outbox).WithMembers(signups.People)
}

func (s *Server) roomList(w http.ResponseWriter, r *http.Request) {
	list, err := s.rooms().Rooms(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "rooms.title"), pages.RoomList(list))
}

// roomWeek shows a room's week (?uke=yyyy-mm-dd, any day of it; this week by default).
func (s *Server) roomWeek(w http.ResponseWriter, r *http.Request) {
	day, err := tz.ParseDate(r.URL.Query().Get("uke"))
	if err != nil {
		day = s.now()
	}
	monday := tz.Midnight(day).AddDate(0, 0, 1-tz.Weekday(day))
	v, err := s.roomWeekView(r.Context(), pathID(r), monday)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, v.Room.Name, pages.Week(v))
}

func (s *Server) newBookingPage(w http.ResponseWriter, r *http.Request) {
	f := pages.NewBookingPage{BookingForm: rooms.BookingForm{Holder: "group", Frequency: rooms.Weekly, Start: "18:00", End: "19:30"}}
	f.RoomID, _ = strconv.ParseInt(r.URL.Query().Get("rom"), 10, 64)
	s.renderBookingForm(w, r, http.StatusOK, f)
}

func (s *Server) renderBookingForm(w http.ResponseWriter, r *http.Request, status int, f pages.NewBookingPage) {
	ctx := r.Context()
	var err error
	if f.Rooms, err = s.rooms().Rooms(ctx); err == nil {
		if f.Groups, err = groups.NewStore(s.db).Options(ctx); err == nil {
			f.Orgs, err = orgs.NewStore(s.db).Options(ctx)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, i18n.T(ctx, "booking.new"), pages.NewBooking(f))
}

// createBooking books, or shows exactly which meetings collide with what and offers to book
// the free ones (skip=1). A collision that appears between the preview and the save is
// caught by the database and shown the same way.
func (s *Server) createBooking(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	var f pages.NewBookingPage
	f.Parse(r.PostForm)
	if f.Errors = f.Validate(); !f.Errors.OK() {
		s.renderBookingForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	res, err := s.rooms().Book(r.Context(), f.Booking(currentUser(r).ID), f.Series().Slots(), r.PostFormValue("skip") == "1")
	var ce *rooms.ErrConflicts
	switch {
	case errors.As(err, &ce):
		f.Conflicts, f.Free = ce.Conflicts, ce.Free
		s.renderBookingForm(w, r, http.StatusConflict, f)
		return
	case roomProblem(err, &f.Errors, "expected"):
		s.renderBookingForm(w, r, http.StatusUnprocessableEntity, f)
		return
	case errors.Is(err, postgres.ErrInvalid):
		f.Errors.Add("room", "booking.room.required")
		s.renderBookingForm(w, r, http.StatusUnprocessableEntity, f)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "booking.saved")
	target := "/admin/bookinger/" + strconv.FormatInt(res.BookingID, 10)
	if len(res.Skipped) > 0 {
		var days []string
		for _, c := range res.Skipped {
			days = append(days, c.Start.UTC().Format(time.RFC3339))
		}
		target += "?hoppet=" + strings.Join(days, ",")
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// bookingPage shows a booking; ?hoppet= lists the meetings skipped when it was made.
func (s *Server) bookingPage(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	v, err := s.rooms().Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var skipped []rooms.Conflict
	length := time.Hour
	if len(v.Occurrences) > 0 {
		length = v.Occurrences[0].End.Sub(v.Occurrences[0].Start)
	}
	for _, d := range strings.Split(r.URL.Query().Get("hoppet"), ",") {
		if t, err := time.Parse(time.RFC3339, d); err == nil {
			skipped = append(skipped, rooms.Conflict{Slot: rooms.Slot{Start: t, End: t.Add(length)}, Closed: "booking.skipped.one"})
		}
	}
	s.render(w, r, http.StatusOK, v.Title, pages.BookingPage(v, skipped, pages.Extension{}, pages.CancelRange{}, s.now()))
}

// extendBooking adds a new season to a recurring booking, up to a date.
func (s *Server) extendBooking(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	id := pathID(r)
	store := s.rooms()
	if _, err := store.Get(ctx, id); errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	var ext pages.Extension
	ext.Parse(r.PostForm)
	until, errs := ext.Validate()
	var err error
	if ext.Errors = errs; errs.OK() {
		_, err = store.Extend(ctx, id, until, ext.Skip)
	}
	var ce *rooms.ErrConflicts
	switch {
	case errors.As(err, &ce):
		ext.Conflicts, ext.Free = ce.Conflicts, ce.Free
	case errors.Is(err, postgres.ErrInvalid):
		ext.Errors.Add("until", "booking.extend.invalid")
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil && ext.Errors.OK():
		s.serverError(w, r, err)
		return
	}
	if ext.Errors.OK() && len(ext.Conflicts) == 0 {
		s.flash(r, "booking.extended")
		http.Redirect(w, r, "/admin/bookinger/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	v, err := store.Get(ctx, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if len(ext.Conflicts) > 0 {
		status = http.StatusConflict
	}
	s.render(w, r, status, v.Title, pages.BookingPage(v, nil, ext, pages.CancelRange{}, s.now()))
}

// cancelOccurrence cancels one meeting (occurrence), it and the rest of the series (rest=1),
// or every meeting in a period of dates (from, to). Staff first see the meetings and whom
// the cancellation tells, add a line of their own if they like, and confirm (confirm=1).
func (s *Server) cancelOccurrence(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	id := pathID(r)
	var cr pages.CancelRange
	cr.Parse(r.PostForm)
	c, errs := cr.Validate()
	c.By = actor(r)
	store := s.rooms()
	var preview rooms.CancelPreview
	var err error
	if cr.Errors = errs; errs.Has("from") || errs.Has("to") || errs.Has("reason") {
		s.renderCancelRange(w, r, id, cr)
		return
	}
	if preview, err = store.PreviewCancel(ctx, id, c); err == nil && cr.Confirmed && errs.OK() {
		_, err = store.Cancel(ctx, id, c)
	}
	switch {
	case errors.Is(err, postgres.ErrNotFound) && c.Occurrence == 0:
		cr.Errors.Add("from", "booking.cancelRange.none")
		s.renderCancelRange(w, r, id, cr)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	case !cr.Confirmed || !errs.OK():
		v, err := store.Get(ctx, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		status := http.StatusOK
		if !errs.OK() {
			status = http.StatusUnprocessableEntity
		}
		p := pages.BookingCancelPage{Booking: v, Form: cr.CancelForm, Errors: errs, Preview: preview}
		s.render(w, r, status, i18n.T(ctx, "booking.cancel.confirm.title"), pages.BookingCancel(p))
		return
	}
	s.flash(r, "booking.cancelledDone")
	http.Redirect(w, r, "/admin/bookinger/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// renderCancelRange shows the booking again with the period form's problems.
func (s *Server) renderCancelRange(w http.ResponseWriter, r *http.Request, id int64, cr pages.CancelRange) {
	v, err := s.rooms().Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, v.Title, pages.BookingPage(v, nil, pages.Extension{}, cr, s.now()))
}

// daySheet is the printable list of today's meetings in the house (?dato=yyyy-mm-dd).
func (s *Server) daySheet(w http.ResponseWriter, r *http.Request) {
	day, err := tz.ParseDate(r.URL.Query().Get("dato"))
	if err != nil {
		day = tz.Midnight(s.now())
	}
	list, err := s.rooms().DaySheet(r.Context(), day)
	var closed []rooms.ClosedDay
	if err == nil {
		closed, err = s.rooms().ClosedDaysBetween(r.Context(), day, day)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "daysheet.title", "Day", pages.Day(r.Context(), day)), pages.DaySheet(day, list, closed))
}

// reinstateMeeting puts a cancelled meeting (occurrence) back on when its room is still free,
// and tells those the cancellation told.
func (s *Server) reinstateMeeting(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	id := pathID(r)
	occurrence, _ := strconv.ParseInt(r.PostFormValue("occurrence"), 10, 64)
	told, err := s.rooms().Reinstate(ctx, id, occurrence, actor(r))
	var ce *rooms.ErrConflicts
	switch {
	case errors.As(err, &ce):
		s.flashText(r, i18n.T(ctx, "booking.reinstate.taken", "Why", pages.ConflictText(ctx, ce.Conflicts[0])))
	case errors.Is(err, rooms.ErrBegun):
		s.flash(r, "booking.reinstate.begun")
	case errors.Is(err, rooms.ErrRetired):
		s.flash(r, "booking.reinstate.retired")
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		text := i18n.T(ctx, "booking.reinstated")
		if told.Total() > 0 {
			text += " " + i18n.T(ctx, "notice.told", "Count", told.Total(), "Email", told.Email, "SMS", told.SMS, "Phone", len(told.Phone))
		}
		s.flashText(r, text)
	}
	http.Redirect(w, r, "/admin/bookinger/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
