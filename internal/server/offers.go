package server

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// offerState reads the list's filter from v: one of signups.OfferStates, anything else all.
func offerState(v url.Values) string {
	if s := v.Get("tilstand"); slices.Contains(signups.OfferStates, s) {
		return s
	}
	return ""
}

// offersPath is the list of offers keeping the filter state.
func offersPath(state string) string {
	if state == "" {
		return "/admin/tilbud"
	}
	return "/admin/tilbud?tilstand=" + url.QueryEscape(state)
}

// offersPage lists the offers of a place (the view is audited: names beside groups).
func (s *Server) offersPage(w http.ResponseWriter, r *http.Request) {
	s.renderOffers(w, r, http.StatusOK, pages.OfferList{State: offerState(r.URL.Query())})
}

func (s *Server) renderOffers(w http.ResponseWriter, r *http.Request, status int, l pages.OfferList) {
	list, total, err := s.signups().ListOffers(r.Context(), l.State, perPage, offset(r), actor(r), s.now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	l.Offers, l.Pager = list, pager(r, total)
	page := s.layout(r, i18n.T(r.Context(), "offers.title"))
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, pages.Offers(l))
}

// extendOffer moves an open offer's deadline; a date that is not after now is shown next to
// its field.
func (s *Server) extendOffer(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, state := pathID(r), offerState(r.PostForm)
	err := s.signups().ExtendOffer(r.Context(), id, r.PostFormValue("frist"), actor(r), s.now())
	var errs validate.Errors
	if errors.As(err, &errs) {
		s.renderOffers(w, r, http.StatusUnprocessableEntity, pages.OfferList{State: state, ErrorID: id, Errors: errs})
		return
	}
	s.offerDone(w, r, err, offersPath(state), "offers.extended")
}

// withdrawOffer ends an open offer: the person waits again with their original waiting time.
func (s *Server) withdrawOffer(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	err := s.signups().WithdrawOffer(r.Context(), pathID(r), actor(r))
	s.offerDone(w, r, err, offersPath(offerState(r.PostForm)), "offers.withdrawn")
}

// offerDone answers a staff action on an offer: back to the list (offers or calls) with a
// flash saying how it went, or not found.
func (s *Server) offerDone(w http.ResponseWriter, r *http.Request, err error, back, done string) {
	switch {
	case errors.Is(err, signups.ErrOfferAnswered):
		s.flash(r, "offers.alreadyAnswered")
	case errors.Is(err, postgres.ErrNotFound), errors.Is(err, postgres.ErrInvalid):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		s.flash(r, done)
	}
	http.Redirect(w, r, back, http.StatusSeeOther) // #nosec G710 -- a local path of ours: the lists, with a known filter value, escaped
}
