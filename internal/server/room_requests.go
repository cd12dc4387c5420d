package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Room requests come from two kinds of requester: a partner organisation's user
// (/partner/rom, logged in) and a group's contact person (/gruppe/{token}, a private link).
// The same handlers serve both; requesterOf says who is asking, and every query the store
// makes for them is scoped to their own organisation or group.

type requester struct {
	who   rooms.Requester
	pages pages.RequesterPages
}

// requesterFunc finds who is asking, or answers the request itself and returns false.
type requesterFunc func(w http.ResponseWriter, r *http.Request) (requester, bool)

func (s *Server) partnerRequester(w http.ResponseWriter, r *http.Request) (requester, bool) {
	w.Header().Set("Cache-Control", "no-store") // messages and staff's answers
	u := currentUser(r)
	return requester{
		who:   rooms.Requester{OrgID: *u.OrgID, UserID: u.ID, ReplyTo: u.Email, Lang: string(i18n.LangOf(r.Context()))},
		pages: pages.RequesterPages{Base: "/partner/rom", Name: u.OrgName},
	}, true
}

// contactRequester finds the contact person of the link; an unknown or ended link gets a
// kind 404 page. Pages behind the link are never cached or indexed.
func (s *Server) contactRequester(w http.ResponseWriter, r *http.Request) (requester, bool) {
	w.Header().Set("Cache-Control", "no-store")
	c, err := s.rooms().ContactByLink(r.Context(), r.PathValue("token"))
	if errors.Is(err, postgres.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, i18n.T(r.Context(), "roomreq.expired.title"), pages.RoomLinkExpired())
		return requester{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return requester{}, false
	}
	return requester{
		who:   rooms.Requester{GroupID: c.GroupID, ReplyTo: c.Email, Lang: string(i18n.LangOf(r.Context()))},
		pages: pages.RequesterPages{Base: "/gruppe/" + r.PathValue("token"), Name: c.GroupName, Contact: c.Name, Online: groups.Online(c.Format)},
	}, true
}

func (s *Server) renderRequester(w http.ResponseWriter, r *http.Request, status int, q requester, title string, body templ.Component) {
	p := s.layout(r, title)
	p.NoIndex = q.pages.Contact != ""
	s.renderPage(w, r, status, p, body)
}

// roomSchedule lists the requester's meetings from today on.
func (s *Server) roomSchedule(find requesterFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := find(w, r)
		if !ok {
			return
		}
		list, total, err := s.rooms().Schedule(r.Context(), q.who, s.now(), perPage, offset(r))
		if err == nil {
			q.pages.Closed, err = s.closedPeriods(r.Context(), 0)
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.renderRequester(w, r, http.StatusOK, q, i18n.T(r.Context(), "roomreq.schedule"),
			pages.RoomSchedule(pages.RoomSchedulePage{RequesterPages: q.pages, Meetings: list, Pager: pager(r, total), Now: s.now()}))
	}
}

// roomRequestPage is the request form with the rooms' taken times in a week: this week, or
// the week of ?uke=yyyy-mm-dd, whose date (if not past) the form then starts with.
func (s *Server) roomRequestPage(find requesterFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := find(w, r)
		if !ok {
			return
		}
		f := pages.RoomRequestFormPage{RequestForm: rooms.RequestForm{Frequency: rooms.Once, Start: "18:00", End: "19:30"}}
		if day, err := tz.ParseDate(r.URL.Query().Get("uke")); err == nil && !day.Before(tz.Midnight(s.now())) {
			f.Date = day.Format(time.DateOnly)
		}
		s.renderRequestForm(w, r, http.StatusOK, q, f)
	}
}

// renderRequestForm shows the form f with the week of ?uke=, else of the date typed, else
// this week.
func (s *Server) renderRequestForm(w http.ResponseWriter, r *http.Request, status int, q requester, f pages.RoomRequestFormPage) {
	ctx := r.Context()
	day, err := tz.ParseDate(r.URL.Query().Get("uke"))
	if err != nil {
		if day, err = tz.ParseDate(f.Date); err != nil {
			day = s.now()
		}
	}
	f.Week.Monday = tz.Midnight(day).AddDate(0, 0, 1-tz.Weekday(day))
	store := s.rooms()
	all, err := store.Rooms(ctx)
	if err == nil {
		q.pages.Closed, err = s.closedPeriods(ctx, 0)
	}
	if err == nil {
		f.Week.Busy, err = store.BusyBetween(ctx, f.Week.Monday, f.Week.Monday.AddDate(0, 0, 7))
	}
	if err == nil {
		f.Week.Closed, err = store.ClosedDaysBetween(ctx, f.Week.Monday, f.Week.Monday.AddDate(0, 0, 6))
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, room := range all {
		if room.Bookable {
			f.Rooms = append(f.Rooms, room)
		}
	}
	f.Week.Rooms = f.Rooms
	f.RequesterPages = q.pages
	s.renderRequester(w, r, status, q, i18n.T(r.Context(), "roomreq.new"), pages.RoomRequestForm(f))
}

func (s *Server) requestRoom(find requesterFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := find(w, r)
		if !ok || !s.parseForm(w, r) {
			return
		}
		var f pages.RoomRequestFormPage
		f.Parse(r.PostForm)
		if f.Errors = f.Validate(tz.Midnight(s.now()), q.pages.Contact == ""); f.Errors.OK() {
			_, err := s.rooms().RequestSlot(r.Context(), q.who, f.RoomID, f.Title, f.Series(), f.Message)
			switch {
			case errors.Is(err, postgres.ErrNotFound), errors.Is(err, postgres.ErrInvalid):
				f.Errors.Add("room", "booking.room.required")
			case err != nil:
				s.serverError(w, r, err)
				return
			}
		}
		if !f.Errors.OK() {
			s.renderRequestForm(w, r, http.StatusUnprocessableEntity, q, f)
			return
		}
		s.flash(r, "request.sentDone")
		http.Redirect(w, r, q.pages.Base+"/foresporsler", http.StatusSeeOther)
	}
}

// requestCancel asks for one of the requester's future meetings to be cancelled.
func (s *Server) requestCancel(find requesterFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := find(w, r)
		if !ok || !s.parseForm(w, r) {
			return
		}
		occ, _ := strconv.ParseInt(r.PostFormValue("occurrence"), 10, 64)
		_, err := s.rooms().RequestCancel(r.Context(), q.who, occ, "")
		switch {
		case errors.Is(err, postgres.ErrNotFound):
			s.notFound(w, r)
			return
		case errors.Is(err, postgres.ErrConflict): // asked already: the same answer
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		s.flash(r, "roomreq.cancelSent")
		http.Redirect(w, r, q.pages.Base, http.StatusSeeOther)
	}
}

func (s *Server) roomRequestList(find requesterFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := find(w, r)
		if !ok {
			return
		}
		list, total, err := s.rooms().Requests(r.Context(), &q.who, "", perPage, offset(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.renderRequester(w, r, http.StatusOK, q, i18n.T(r.Context(), "roomreq.list"),
			pages.RoomRequests(pages.RoomRequestsPage{RequesterPages: q.pages, Requests: list, Pager: pager(r, total)}))
	}
}

func (s *Server) withdrawRequest(find requesterFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := find(w, r)
		if !ok || !s.parseForm(w, r) {
			return
		}
		id := pathID(r)
		err := s.rooms().Withdraw(r.Context(), q.who, id)
		switch {
		case errors.Is(err, postgres.ErrNotFound):
			s.notFound(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		s.flash(r, "request.withdrawn")
		http.Redirect(w, r, q.pages.Base+"/foresporsler", http.StatusSeeOther)
	}
}

// Staff: the list of requests and the decision.

func (s *Server) adminRoomRequests(w http.ResponseWriter, r *http.Request) {
	p := pages.AdminRoomRequestsPage{Status: r.URL.Query().Get("status")}
	switch p.Status {
	case "alle":
		p.Status = ""
	case rooms.Approved, rooms.Declined, rooms.Withdrawn:
	default:
		p.Status = rooms.Pending
	}
	var total int
	var err error
	if p.Requests, total, err = s.rooms().Requests(r.Context(), nil, p.Status, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "roomreq.admin.title"), pages.AdminRoomRequests(p))
}

func (s *Server) adminRoomRequest(w http.ResponseWriter, r *http.Request) {
	s.renderRoomRequest(w, r, http.StatusOK, pages.AdminRoomRequestPage{})
}

// renderRoomRequest shows the request of the path with what stands in its way now (unless p
// already holds the conflicts found on saving).
func (s *Server) renderRoomRequest(w http.ResponseWriter, r *http.Request, status int, p pages.AdminRoomRequestPage) {
	ctx := r.Context()
	id := pathID(r)
	var err error
	if p.Request, err = s.rooms().GetRequest(ctx, id); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Ahead = len(p.Request.Ahead(s.now()))
	if p.Request.Kind == rooms.KindSlot && p.Request.Status == rooms.Pending {
		if err = s.approvalChoices(r, &p); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store") // the requester's address
	s.render(w, r, status, i18n.T(ctx, "roomreq.admin.title"), pages.AdminRoomRequest(p))
}

// approvalChoices fills in the approval form of a pending slot request: the rooms to choose
// from, the room and times as asked (unless typed), and what stands in the way of the
// request as asked (unless the conflicts found on saving are there).
func (s *Server) approvalChoices(r *http.Request, p *pages.AdminRoomRequestPage) error {
	q := p.Request
	if p.Room == 0 {
		p.Room = q.RoomID
	}
	if p.Start == "" && p.End == "" {
		p.Start, p.End = tz.FormatClock(q.Series.Start), tz.FormatClock(q.Series.End)
	}
	// The room asked for stays in the list even when it has been retired since, so that the
	// form does not silently show another room; approving in it is refused at its field.
	all, err := s.rooms().RoomsWith(r.Context(), q.RoomID)
	if err != nil {
		return err
	}
	for _, room := range all {
		if room.Bookable || room.ID == q.RoomID {
			p.Rooms = append(p.Rooms, room)
		}
	}
	if p.Conflicts == nil {
		p.Conflicts, err = s.rooms().Preview(r.Context(), q, s.now())
		p.Free = p.Ahead - len(p.Conflicts)
	}
	return err
}

// decideRoomRequest approves (approve=true) or declines a request; the store books or
// cancels, mails the answer and writes the audit line in one transaction.
func (s *Server) decideRoomRequest(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		id := pathID(r)
		p := pages.AdminRoomRequestPage{Override: strings.TrimSpace(r.PostFormValue("override")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
		d := rooms.Decision{Now: s.now(), Approve: approve, Reason: p.Reason, Skip: r.PostFormValue("skip") == "1", Override: p.Override}
		if approve {
			p.Room, _ = strconv.ParseInt(r.PostFormValue("room"), 10, 64)
			p.Start, p.End = r.PostFormValue("start"), r.PostFormValue("end")
			d.RoomID, d.Start, d.End = p.Room, p.Start, p.End
		}
		_, _, err := s.rooms().Decide(r.Context(), id, d, actor(r))
		var ce *rooms.ErrConflicts
		switch {
		case errors.As(err, &p.Errors), roomProblem(err, &p.Errors, "room"):
			s.renderRoomRequest(w, r, http.StatusUnprocessableEntity, p)
			return
		case errors.As(err, &ce):
			p.Conflicts, p.Free, p.Saved = ce.Conflicts, ce.Free, true
			s.renderRoomRequest(w, r, http.StatusConflict, p)
			return
		case errors.Is(err, rooms.ErrPast):
			p.Errors.Add("reason", "roomreq.past")
			s.renderRoomRequest(w, r, http.StatusUnprocessableEntity, p)
			return
		case errors.Is(err, rooms.ErrDecided):
			s.flash(r, "request.alreadyDecided")
		case errors.Is(err, postgres.ErrNotFound):
			s.notFound(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		case approve:
			s.flash(r, "roomreq.approved")
		default:
			s.flash(r, "request.declined")
		}
		http.Redirect(w, r, "/admin/foresporsler/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

// Staff: a group's rooms page, with its contact person and schedule.

func (s *Server) groupRooms(w http.ResponseWriter, r *http.Request) {
	s.renderGroupRooms(w, r, http.StatusOK, nil, nil)
}

// renderGroupRooms shows the page; form is the contact form as typed when it had errors.
func (s *Server) renderGroupRooms(w http.ResponseWriter, r *http.Request, status int, form *rooms.Contact, errs validate.Errors) {
	g, ok := s.groupFromPath(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	p := pages.GroupRoomsPage{GroupID: g.ID, GroupName: g.Name, Errors: errs}
	c, err := s.rooms().GroupContact(ctx, g.ID)
	switch {
	case err == nil:
		p.Contact, p.HasContact = c, true
	case !errors.Is(err, postgres.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	if form != nil {
		p.Contact.Name, p.Contact.Email, p.Contact.Phone = form.Name, form.Email, form.Phone
	}
	var total int
	if p.Meetings, total, err = s.rooms().Schedule(ctx, rooms.Requester{GroupID: g.ID}, s.now(), perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, total)
	w.Header().Set("Cache-Control", "no-store") // the contact's address and phone
	s.render(w, r, status, i18n.T(ctx, "grouprooms.title"), pages.GroupRooms(p))
}

func groupRoomsURL(id int64) string { return "/admin/grupper/" + strconv.FormatInt(id, 10) + "/rom" }

func (s *Server) saveGroupContact(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	c := rooms.Contact{GroupID: g.ID, Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	if errs := c.Validate(); !errs.OK() {
		s.renderGroupRooms(w, r, http.StatusUnprocessableEntity, &c, errs)
		return
	}
	if err := s.rooms().SetContact(r.Context(), c); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "grouprooms.contact.saved")
	http.Redirect(w, r, groupRoomsURL(g.ID), http.StatusSeeOther)
}

func (s *Server) removeGroupContact(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if err := s.rooms().RemoveContact(r.Context(), g.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "grouprooms.contact.removed")
	http.Redirect(w, r, groupRoomsURL(g.ID), http.StatusSeeOther)
}

// sendContactLink makes a new private link for the contact person (ending the old one) and
// mails it in the group's language, in one transaction.
func (s *Server) sendContactLink(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.rooms().SendContactLink(r.Context(), g.ID, g.Language, actor(r))
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.renderGroupRooms(w, r, http.StatusUnprocessableEntity, nil, validate.Errors{{Field: "name", Msg: "grouprooms.contact.first"}})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "grouprooms.link.done")
	http.Redirect(w, r, groupRoomsURL(g.ID), http.StatusSeeOther)
}
