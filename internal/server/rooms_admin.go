package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// roomsAdminPath is the rooms admin's list; a room's form is below it.
const roomsAdminPath = "/admin/innstillinger/rom"

// roomsAdmin lists every room, in use first, with its facilities and what can be done to it.
func (s *Server) roomsAdmin(w http.ResponseWriter, r *http.Request) {
	list, err := s.rooms().AllRooms(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "rooms.admin.title"), pages.RoomsAdmin(list))
}

func (s *Server) newRoomPage(w http.ResponseWriter, r *http.Request) {
	s.renderRoomForm(w, r, http.StatusOK, pages.RoomFormPage{Form: rooms.RoomForm{Floor: "6", Bookable: true}})
}

func (s *Server) editRoomPage(w http.ResponseWriter, r *http.Request) {
	room, err := s.rooms().Room(r.Context(), pathID(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderRoomForm(w, r, http.StatusOK, pages.RoomFormPage{Room: room, Form: rooms.RoomFormOf(room)})
}

func (s *Server) renderRoomForm(w http.ResponseWriter, r *http.Request, status int, p pages.RoomFormPage) {
	title := i18n.T(r.Context(), "rooms.admin.new")
	if p.Room.ID != 0 {
		title = p.Room.Name
	}
	s.render(w, r, status, title, pages.RoomFormView(p))
}

// saveRoom adds a room (no id in the path) or changes one; problems are shown next to their
// fields with everything as typed.
func (s *Server) saveRoom(w http.ResponseWriter, r *http.Request) {
	id, ok := s.formID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	store := s.rooms()
	var p pages.RoomFormPage
	if id != 0 {
		var err error
		if p.Room, err = store.Room(r.Context(), id); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	p.Form.Parse(r.PostForm)
	saved, err := store.SaveRoom(r.Context(), id, p.Form, actor(r))
	if errors.As(err, &p.Errors) {
		s.renderRoomForm(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "rooms.admin.saved")
	http.Redirect(w, r, roomsAdminPath+"#rom-"+strconv.FormatInt(saved, 10), http.StatusSeeOther)
}

// retireRoomPage asks once, in plain words, what retiring the room does, or says which
// meetings ahead stand in the way.
func (s *Server) retireRoomPage(w http.ResponseWriter, r *http.Request) {
	s.renderRetire(w, r, http.StatusOK)
}

func (s *Server) renderRetire(w http.ResponseWriter, r *http.Request, status int) {
	ctx := r.Context()
	store := s.rooms()
	room, err := store.Room(ctx, pathID(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ahead, err := store.MeetingsAhead(ctx, room.ID, s.now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, i18n.T(ctx, "rooms.retire.title", "Room", room.Name), pages.RetireRoom(pages.RetireRoomPage{Room: room, Ahead: ahead}))
}

// retireRoom retires the room when the question's button was pressed (confirm=1; without it
// the question is shown). A room with meetings ahead is refused and the page lists them.
func (s *Server) retireRoom(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		s.renderRetire(w, r, http.StatusOK)
		return
	}
	err := s.rooms().Retire(r.Context(), pathID(r), s.now(), actor(r))
	var ahead *rooms.ErrMeetingsAhead
	switch {
	case errors.As(err, &ahead):
		s.renderRetire(w, r, http.StatusConflict)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "rooms.retire.done")
	http.Redirect(w, r, roomsAdminPath, http.StatusSeeOther)
}

// restoreRoom brings a retired room back into use: the undo of retiring.
func (s *Server) restoreRoom(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if err := s.rooms().Restore(r.Context(), pathID(r), actor(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "rooms.restore.done")
	http.Redirect(w, r, roomsAdminPath, http.StatusSeeOther)
}

// roomProblem puts an answer of the booking rules that is about the room next to its field:
// more people than the room holds next to the number (field), with the box to keep it; a
// room retired since the form was opened next to the room. It says whether err was one.
func roomProblem(err error, errs *validate.Errors, field string) bool {
	var oc *rooms.ErrOverCapacity
	switch {
	case errors.As(err, &oc):
		oc.AddTo(errs, field)
	case errors.Is(err, rooms.ErrRetired):
		errs.Add("room", "rooms.retired.chooseAnother")
	default:
		return false
	}
	return true
}
