package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// devMailHTMLPolicy lets a mail's HTML body show with its inline styles and nothing else: no
// script, no fetch, no form, and a sandbox that gives the document an origin of its own, so
// it can never act as the app even if a body held something it should not.
const devMailHTMLPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// devMailbox lists the mail the app has made, newest first, so that in development the links
// in it can be followed. Development only (see routes.go).
func (s *Server) devMailbox(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("side"))
	list, total, err := mail.List(r.Context(), s.db, s.outbox.Seal(), mail.ChannelEmail, page, perPage)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "devmailbox.title"), pages.DevMailbox(list, pager(r, total)))
}

// devSMS lists the SMS the app has made, newest first, with their texts, segments and state.
// Development only (see routes.go).
func (s *Server) devSMS(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("side"))
	list, total, err := mail.List(r.Context(), s.db, s.outbox.Seal(), mail.ChannelSMS, page, perPage)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "devsms.title"), pages.DevSMS(list, pager(r, total)))
}

// devMailboxMessage shows one message with its links and text body.
func (s *Server) devMailboxMessage(w http.ResponseWriter, r *http.Request) {
	if m, ok := s.devMail(w, r); ok {
		s.render(w, r, http.StatusOK, m.Subject, pages.DevMailboxMessage(m))
	}
}

// devMailboxHTML serves a message's HTML body as a document of its own, as a mail program
// would show it, under devMailHTMLPolicy.
func (s *Server) devMailboxHTML(w http.ResponseWriter, r *http.Request) {
	m, ok := s.devMail(w, r)
	if !ok {
		return
	}
	if m.Content != mail.ContentKept { // sent, or sealed under another key: the message page says so
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", devMailHTMLPolicy)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(m.HTMLBody))
}

// devMail loads the message named in the path, or answers 404 itself.
func (s *Server) devMail(w http.ResponseWriter, r *http.Request) (mail.Mail, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return mail.Mail{}, false
	}
	m, err := mail.Get(r.Context(), s.db, s.outbox.Seal(), id)
	switch {
	case errors.Is(err, postgres.ErrNotFound), err == nil && m.Channel != mail.ChannelEmail: // an SMS is read in /dev/sms
		s.notFound(w, r)
		return mail.Mail{}, false
	case err != nil:
		s.serverError(w, r, err)
		return mail.Mail{}, false
	}
	return m, true
}
