package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// smsWebhookPath is where Twilio posts incoming SMS.
const smsWebhookPath = "/sms/inn"

// emptyTwiML is the answer to an incoming SMS: nothing to send back.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// smsIncoming is Twilio's webhook for an SMS to the centre's number. Only a request signed
// with SMS_AUTH_TOKEN (X-Twilio-Signature, over BASE_URL with the path and the POST
// parameters) is read; anything else is refused with 403. An answer STOPP (or STOP) stops SMS
// to every participant with the sender's number, with an audit line each; any other text is
// left for staff to see in Twilio. It answers with empty TwiML. The number and the text are
// never logged.
func (s *Server) smsIncoming(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	fullURL := strings.TrimRight(s.cfg.BaseURL.String(), "/") + r.URL.RequestURI()
	if !sms.ValidSignature(s.cfg.SMSAuthToken, fullURL, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
		s.log.Warn("sms: incoming request with a wrong or missing signature refused")
		s.renderError(w, r, http.StatusForbidden)
		return
	}
	if sms.IsStop(r.PostForm.Get("Body")) {
		n, err := s.signups().StopSMSFrom(r.Context(), r.PostForm.Get("From"))
		switch {
		case errors.Is(err, postgres.ErrInvalid):
			s.log.Info("sms: STOPP from a sender that is not a phone number; nothing to stop")
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.log.Info("sms: STOPP received", "participants_stopped", n)
		}
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(emptyTwiML))
}

// setParticipantSMS stops SMS to a participant ("Stopp SMS") or allows them again, once staff
// have confirmed it.
func (s *Server) setParticipantSMS(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := pathID(r)
	stop := r.PostFormValue("sms") != "tillat"
	if r.PostFormValue("sms_confirm") != "on" {
		var errs validate.Errors
		errs.Add("sms_confirm", "participant.sms.confirmRequired")
		s.renderParticipant(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	err := s.signups().SetSMSStopped(r.Context(), id, stop, actor(r))
	switch {
	case errors.Is(err, postgres.ErrInvalid):
		var errs validate.Errors
		errs.Add("sms_confirm", "participant.sms.noPhone")
		s.renderParticipant(w, r, http.StatusUnprocessableEntity, errs)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if stop {
		s.flash(r, "participant.sms.stopped")
	} else {
		s.flash(r, "participant.sms.allowed")
	}
	http.Redirect(w, r, "/admin/deltakere/"+strconv.FormatInt(id, 10), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}
