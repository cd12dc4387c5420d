package server

import (
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The members of a group and staff's messages to them and to an event's people. Seeing the
// members is audited like a participant's page; a message is previewed (who gets an e-mail,
// who an SMS, whom staff must phone) before it is sent.

// groupMembers lists the group's members.
func (s *Server) groupMembers(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok {
		return
	}
	list, err := s.signups().GroupMembers(r.Context(), g.ID, actor(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	page := s.layout(r, i18n.T(r.Context(), "members.heading", "Name", g.Name))
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, http.StatusOK, page, pages.Members(pages.MembersPage{GroupID: g.ID, GroupName: g.Name, Members: list}))
}

// groupMessagePage is the empty message form for the group's members.
func (s *Server) groupMessagePage(w http.ResponseWriter, r *http.Request) {
	if g, ok := s.groupFromPath(w, r); ok {
		s.renderMessage(w, r, http.StatusOK, groupMessage(g.ID, g.Name))
	}
}

func groupMessage(id int64, name string) pages.MessagePage {
	back := "/admin/grupper/" + strconv.FormatInt(id, 10)
	return pages.MessagePage{Title: name, Back: back + "/medlemmer", Action: back + "/melding"}
}

// sendGroupMessage previews the message (who is reached how, whom to phone) and, confirmed,
// sends it to every member by their channel.
func (s *Server) sendGroupMessage(w http.ResponseWriter, r *http.Request) {
	g, ok := s.groupFromPath(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	p := groupMessage(g.ID, g.Name)
	p.Form = mail.MessageForm{Text: r.PostFormValue("text"), Confirmed: r.PostFormValue("confirm") == "1"}
	if p.Errors = p.Form.Validate(); !p.Errors.OK() {
		s.renderMessage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if !p.Form.Confirmed {
		list, err := s.signups().GroupMembers(r.Context(), g.ID, actor(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		people := make([]mail.Person, len(list))
		for i, m := range list {
			people[i] = m.Person
		}
		t := mail.Count(people)
		p.Preview = &t
		s.renderMessage(w, r, http.StatusOK, p)
		return
	}
	if _, err := s.signups().MessageMembers(r.Context(), g.ID, p.Form, actor(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "message.sent")
	http.Redirect(w, r, p.Back, http.StatusSeeOther)
}

func (s *Server) renderMessage(w http.ResponseWriter, r *http.Request, status int, p pages.MessagePage) {
	page := s.layout(r, p.Title)
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, pages.Message(p))
}

// eventMessage is the message form of the event with id.
func eventMessage(id int64, title string) pages.MessagePage {
	back := "/admin/arrangementer/" + strconv.FormatInt(id, 10)
	return pages.MessagePage{Title: title, Back: back, Action: back + "/melding", Event: true, Who: "confirmed"}
}

// eventMessagePage is the empty message form for an event's people.
func (s *Server) eventMessagePage(w http.ResponseWriter, r *http.Request) {
	e, err := s.events().Get(r.Context(), pathID(r), true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderMessage(w, r, http.StatusOK, eventMessage(e.ID, e.Title))
}

// sendEventMessage previews and, confirmed, sends staff's message to those with a place, those
// waiting, or both.
func (s *Server) sendEventMessage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := s.events()
	e, err := store.Get(ctx, pathID(r), true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := eventMessage(e.ID, e.Title)
	p.Who = r.PostFormValue("who")
	p.Form = mail.MessageForm{Text: r.PostFormValue("text"), Confirmed: r.PostFormValue("confirm") == "1"}
	p.Errors = p.Form.Validate()
	if !events.ValidWho(p.Who) {
		p.Errors.Add("who", "event.message.who.required")
	}
	if !p.Errors.OK() {
		s.renderMessage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if !p.Form.Confirmed {
		people, err := store.Audience(ctx, e.ID, p.Who)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		t := mail.Count(people)
		p.Preview = &t
		s.renderMessage(w, r, http.StatusOK, p)
		return
	}
	if _, err := store.Message(ctx, e.ID, p.Who, p.Form, actor(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "message.sent")
	http.Redirect(w, r, p.Back, http.StatusSeeOther)
}
