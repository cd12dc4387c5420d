package server

import (
	"errors"
	"net/http"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The call list: offers to people who asked to be phoned, or whom nobody can write to. Staff
// phone them and record what came of it; the offer's days to answer start only then.

// callListPage lists the offers waiting for a call (the view is audited: names and phone
// numbers).
func (s *Server) callListPage(w http.ResponseWriter, r *http.Request) {
	s.renderCallList(w, r, http.StatusOK, pages.CallListPage{})
}

func (s *Server) renderCallList(w http.ResponseWriter, r *http.Request, status int, p pages.CallListPage) {
	ctx := r.Context()
	list, total, err := s.signups().CallList(ctx, perPage, offset(r), actor(r), s.now())
	if err == nil {
		p.Centre, err = s.centreContact(ctx)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Tasks, p.Pager = list, pager(r, total)
	page := s.layout(r, i18n.T(ctx, "calls.title"))
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, pages.CallList(p))
}

// callForm reads what staff record after a call: the outcome ("svar") and the note ("notat").
func callForm(r *http.Request) signups.CallForm {
	return signups.CallForm{Outcome: r.PostFormValue("svar"), Note: r.PostFormValue("notat")}
}

// recordCall records what came of a call about an offer on the call list. A problem is shown
// next to its field on the list, with the note kept.
func (s *Server) recordCall(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, f := pathID(r), callForm(r)
	_, err := s.signups().RecordCall(r.Context(), id, f, actor(r), s.now())
	if errs, status, ok := callProblem(err); ok {
		s.renderCallList(w, r, status, pages.CallListPage{ErrorID: id, Form: f, Errors: errs})
		return
	}
	s.offerDone(w, r, err, "/admin/ringeliste", "calls.done."+f.Outcome)
}

// recordPhoneAnswer records an answer given on the phone to an offer on the list of offers:
// yes, no thanks and wait, or no thanks; the same use case as the call list.
func (s *Server) recordPhoneAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, f, state := pathID(r), callForm(r), offerState(r.PostForm)
	if _, ok := signups.PhoneAnswers[f.Outcome]; !ok {
		f.Outcome = "" // only an answer here: the call list notes attempts and starts the clock
	}
	_, err := s.signups().RecordCall(r.Context(), id, f, actor(r), s.now())
	if errs, status, ok := callProblem(err); ok {
		s.renderOffers(w, r, status, pages.OfferList{State: state, ErrorID: id, Errors: errs, Call: &f})
		return
	}
	s.offerDone(w, r, err, offersPath(state), "calls.done."+f.Outcome)
}

// callProblem turns what RecordCall refused into errors to show next to the fields: invalid
// input (422), or an answer that came too late (409).
func callProblem(err error) (validate.Errors, int, bool) {
	var errs validate.Errors
	switch {
	case errors.As(err, &errs):
		return errs, http.StatusUnprocessableEntity, true
	case errors.Is(err, signups.ErrFull):
		errs.Add("svar", "calls.full")
	case errors.Is(err, signups.ErrOfferExpired):
		errs.Add("svar", "calls.expired")
	default:
		return nil, 0, false
	}
	return errs, http.StatusConflict, true
}
