package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Events: the public list and sign-up, the private page behind a sign-up's link, and staff's
// pages. The meeting link of a digital event is only ever shown to confirmed people.

func (s *Server) eventList(w http.ResponseWriter, r *http.Request) {
	list, total, err := s.events().Upcoming(r.Context(), s.now(), false, perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "events.title"), pages.Events(pages.EventList{Events: list, Pager: pager(r, total)}))
}

func (s *Server) eventPage(w http.ResponseWriter, r *http.Request) {
	s.renderEvent(w, r, http.StatusOK, pages.EventPage{})
}

func (s *Server) renderEvent(w http.ResponseWriter, r *http.Request, status int, p pages.EventPage) {
	var err error
	if p.Event, err = s.events().Get(r.Context(), pathID(r), false); err != nil {
		s.serverError(w, r, err)
		return
	}
	if !p.Event.Ends.After(s.now()) {
		s.notFound(w, r)
		return
	}
	page := s.layout(r, p.Event.Title)
	description := p.Event.Description // written in Norwegian only
	if i18n.LangOf(r.Context()) != i18n.NB {
		description = ""
	}
	page.Description = metaDescription(description, i18n.T(r.Context(), "meta.event"))
	s.renderPage(w, r, status, page, pages.EventView(p))
}

// eventSignup signs the person up (or onto the waiting list) and mails the private link, in
// one transaction.
func (s *Server) eventSignup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := pages.EventPage{Form: events.SignupForm{FirstName: r.PostFormValue("first_name"), Email: r.PostFormValue("email"),
		Adult: r.PostFormValue("adult") == "on", Consent: r.PostFormValue("consent") == "on"}}
	if p.Errors = p.Form.Validate(); !p.Errors.OK() {
		s.renderEvent(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	e, err := s.events().Get(ctx, pathID(r), false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !e.Starts.After(s.now()) || e.Cancelled {
		p.Errors.Add("first_name", "events.ended")
		s.renderEvent(w, r, http.StatusConflict, p)
		return
	}
	// The place is taken when the mailbox's owner confirms: a form alone holds none. The
	// answer is the same for every address: the page never tells who is signed up.
	if !s.submitForm(w, r, optin.Request{Kind: optin.KindEvent, Email: p.Form.Email, Event: &p.Form, EventID: e.ID, Title: e.Title}) {
		return
	}
	http.Redirect(w, r, eventURL(pathID(r))+"/takk", http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}

// events is the events' store, sending mail through the server's outbox.
func (s *Server) events() *events.Store { return events.NewStore(s.db, s.outbox) }

func eventURL(id int64) string { return "/arrangementer/" + strconv.FormatInt(id, 10) }

func (s *Server) eventThanks(w http.ResponseWriter, r *http.Request) {
	e, err := s.events().Get(r.Context(), pathID(r), false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "events.thanks"), pages.EventThanks(e))
}

// The private page of a sign-up.

func (s *Server) mySignup(w http.ResponseWriter, r *http.Request) (events.Signup, events.Event, bool) {
	w.Header().Set("Cache-Control", "no-store")
	store := s.events()
	g, err := store.ByToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, postgres.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, i18n.T(r.Context(), "offer.unknown"), pages.MyLinkExpired())
		return g, events.Event{}, false
	}
	var e events.Event
	if err == nil {
		e, err = store.Get(r.Context(), g.EventID, true)
	}
	if err != nil {
		s.serverError(w, r, err)
		return g, e, false
	}
	return g, e, true
}

// renderMyEvent shows the sign-up; a status of 400 or more shows the message as a refusal.
func (s *Server) renderMyEvent(w http.ResponseWriter, r *http.Request, status int, g events.Signup, e events.Event, message string) {
	page := s.layout(r, e.Title)
	page.NoIndex = true
	s.renderPage(w, r, status, page, pages.MyEvent(pages.MyEventPage{Base: "/arrangement/" + r.PathValue("token"), Event: e, Signup: g,
		Message: message, Warn: status >= http.StatusBadRequest}))
}

func (s *Server) myEvent(w http.ResponseWriter, r *http.Request) {
	if g, e, ok := s.mySignup(w, r); ok {
		s.renderMyEvent(w, r, http.StatusOK, g, e, "")
	}
}

// myEventCancel cancels the sign-up; a freed place goes to the first one waiting, by e-mail.
func (s *Server) myEventCancel(w http.ResponseWriter, r *http.Request) {
	g, e, ok := s.mySignup(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := s.events()
	_, err := store.Cancel(ctx, g.ID, s.now())
	if err == nil {
		g, err = store.ByToken(ctx, r.PathValue("token"))
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderMyEvent(w, r, http.StatusOK, g, e, "events.cancelled")
}

// myEventAccept takes a place offered from the waiting list, before its deadline.
func (s *Server) myEventAccept(w http.ResponseWriter, r *http.Request) {
	g, e, ok := s.mySignup(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := s.events()
	err := store.Accept(ctx, g.ID, s.now())
	if errors.Is(err, events.ErrNotOffered) {
		s.renderMyEvent(w, r, http.StatusConflict, g, e, "events.notOffered")
		return
	}
	if err == nil {
		g, err = store.ByToken(ctx, r.PathValue("token"))
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderMyEvent(w, r, http.StatusOK, g, e, "events.accepted")
}

// myEventICS is the calendar file of a confirmed sign-up (RFC 5545, times in UTC); a digital
// event's link is in it, since only the confirmed person can fetch it.
func (s *Server) myEventICS(w http.ResponseWriter, r *http.Request) {
	g, e, ok := s.mySignup(w, r)
	if !ok {
		return
	}
	if g.Status != events.Confirmed {
		s.notFound(w, r)
		return
	}
	cal := ics.NewCalendar()
	cal.SetProductId("-//LINK Oslo//Selvhjelpshuset//NO")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent("event-" + strconv.FormatInt(e.ID, 10) + "-" + strconv.FormatInt(g.ID, 10) + "@" + s.cfg.BaseURL.Hostname())
	ev.SetDtStampTime(s.now().UTC())
	ev.SetStartAt(e.Starts.UTC())
	ev.SetEndAt(e.Ends.UTC())
	ev.SetSummary(rooms.ICalText(e.Title))
	if e.Format == events.Digital {
		ev.SetLocation(e.MeetingLink)
		ev.SetURL(e.MeetingLink)
	} else {
		ev.SetLocation(rooms.ICalText(events.HouseAddress + ", " + e.RoomName))
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="arrangement.ics"`)
	_, _ = w.Write([]byte(cal.Serialize(ics.WithNewLineWindows)))
}

// Staff.

func (s *Server) adminEvents(w http.ResponseWriter, r *http.Request) {
	list, total, err := s.events().Upcoming(r.Context(), s.now(), true, perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "events.title"), pages.AdminEvents(pages.AdminEventList{Events: list, Pager: pager(r, total)}))
}

func (s *Server) newEventPage(w http.ResponseWriter, r *http.Request) {
	s.renderEventForm(w, r, http.StatusOK, pages.EventFormPage{Form: events.Form{Kind: events.Intro, Format: events.Digital, Start: "18:00",
		End: "19:30", Capacity: "15"}})
}

func (s *Server) editEventPage(w http.ResponseWriter, r *http.Request) {
	e, err := s.events().Get(r.Context(), pathID(r), true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderEventForm(w, r, http.StatusOK, pages.EventFormPage{ID: e.ID, Event: e, Form: events.FormOf(e)})
}

func (s *Server) renderEventForm(w http.ResponseWriter, r *http.Request, status int, p pages.EventFormPage) {
	ctx := r.Context()
	var err error
	if p.Rooms, err = s.rooms().RoomsWith(ctx, p.Form.RoomID); err == nil && p.ID != 0 {
		var total int
		if p.Signups, total, err = s.events().Attendees(ctx, p.ID, perPage, offset(r), actor(r)); err == nil { // audited
			p.Pager = pager(r, total)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	title := i18n.T(ctx, "events.new")
	if p.ID != 0 {
		title = p.Event.Title
		p.Begun = !p.Event.Starts.After(s.now())
	}
	w.Header().Set("Cache-Control", "no-store") // names and addresses of those signed up
	s.render(w, r, status, title, pages.EventForm(p))
}

// saveEvent creates or updates an event; an event in the house books its room by the rules.
func (s *Server) saveEvent(w http.ResponseWriter, r *http.Request) {
	id, ok := s.formID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := s.events()
	p := pages.EventFormPage{ID: id}
	if id != 0 {
		var err error
		if p.Event, err = store.Get(ctx, id, true); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	p.Form = events.ParseForm(r.PostForm)
	if p.Errors = p.Form.Validate(); !p.Errors.OK() {
		s.renderEventForm(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	saved, _, err := store.Save(ctx, id, p.Form, currentUser(r).ID)
	var ce *rooms.ErrConflicts
	switch {
	case errors.As(err, &ce):
		p.Conflicts = ce.Conflicts
		s.renderEventForm(w, r, http.StatusConflict, p)
		return
	case roomProblem(err, &p.Errors, "capacity"):
		s.renderEventForm(w, r, http.StatusUnprocessableEntity, p)
		return
	case errors.Is(err, postgres.ErrInvalid):
		p.Errors.Add("room", "booking.room.required")
		s.renderEventForm(w, r, http.StatusUnprocessableEntity, p)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "events.saved")
	http.Redirect(w, r, "/admin"+eventURL(saved), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}

// saveAttendance records who of the confirmed on the page ("vist") came ("kom").
func (s *Server) saveAttendance(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ids := func(key string) []int64 {
		var out []int64
		for _, v := range r.PostForm[key] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				out = append(out, id)
			}
		}
		return out
	}
	shown, came := ids("vist"), ids("kom")
	e, err := s.events().Get(r.Context(), pathID(r), true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if e.Starts.After(s.now()) {
		// Nobody has come to what has not begun: the page says when attendance can be kept.
		s.renderEventForm(w, r, http.StatusConflict, pages.EventFormPage{ID: e.ID, Event: e, Form: events.FormOf(e)})
		return
	}
	if err := s.events().SetAttended(r.Context(), pathID(r), shown, came); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "events.attendance.saved")
	http.Redirect(w, r, "/admin"+eventURL(pathID(r)), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}

// cancelEvent cancels the event once staff ticked the box, telling everyone signed up or
// waiting, with staff's own line.
func (s *Server) cancelEvent(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	e, err := s.events().Get(ctx, pathID(r), true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := pages.EventFormPage{ID: e.ID, Event: e, Form: events.FormOf(e), CancelNote: strings.TrimSpace(r.PostFormValue("note"))}
	if r.PostFormValue("confirm") != "on" {
		p.CancelErrors.Add("confirm", "event.cancel.confirm.required")
	}
	p.CancelErrors.MaxLength("note", p.CancelNote, rooms.MaxNote, "notice.note.tooLong")
	if !p.CancelErrors.OK() {
		s.renderEventForm(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	_, err = s.events().CancelEvent(ctx, e.ID, p.CancelNote, actor(r))
	if err != nil && !errors.Is(err, postgres.ErrNotFound) { // cancelled already: nobody is told twice
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "event.cancelled")
	http.Redirect(w, r, "/admin"+eventURL(e.ID), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}
