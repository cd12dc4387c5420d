package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The matcher proposes; staff decide. Running it changes nothing: only the offers staff tick
// and send reach anyone.

func (s *Server) matchingPage(w http.ResponseWriter, r *http.Request) {
	s.renderMatching(w, r, http.StatusOK, pages.MatchingPage{Deadline: strconv.Itoa(signups.OfferDays)})
}

func (s *Server) renderMatching(w http.ResponseWriter, r *http.Request, status int, p pages.MatchingPage) {
	ctx := r.Context()
	store := s.signups()
	var err error
	if p.Result, p.Waiting, err = store.Match(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	var groupIDs []int64
	for _, pl := range p.Result.Placements {
		groupIDs = append(groupIDs, pl.GroupID)
	}
	slices.Sort(groupIDs)
	gs := groups.NewStore(s.db)
	// Names beside groups and themes: the view is audited.
	if p.People, err = store.MatchingEntries(ctx, p.Result, actor(r)); err == nil {
		if p.Groups, err = gs.ByIDs(ctx, slices.Compact(groupIDs)); err == nil {
			var themes []groups.Theme
			if themes, err = gs.Themes(ctx); err == nil {
				p.Themes = map[int64]groups.Theme{}
				for _, t := range themes {
					p.Themes[t.ID] = t
				}
			}
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store") // names of people waiting
	s.render(w, r, status, i18n.T(ctx, "matching.title"), pages.Matching(p))
}

// sendOffers offers the ticked places ("tilbud": signup:group) for the days given ("frist");
// Offer sends each by the person's channel (or puts it on the call list) with its audit line,
// in one transaction.
func (s *Server) sendOffers(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	p := pages.MatchingPage{Deadline: strings.TrimSpace(r.PostFormValue("frist"))}
	days, _ := strconv.Atoi(p.Deadline) // not a number: 0, which Offer refuses
	var offers []signups.NewOffer
	for _, v := range r.PostForm["tilbud"] {
		a, b, _ := strings.Cut(v, ":")
		signupID, err1 := strconv.ParseInt(a, 10, 64)
		groupID, err2 := strconv.ParseInt(b, 10, 64)
		if err1 == nil && err2 == nil {
			offers = append(offers, signups.NewOffer{SignupID: signupID, GroupID: groupID})
		}
	}
	made, err := s.signups().Offer(r.Context(), offers, days, actor(r), s.now())
	if errors.As(err, &p.Errors) {
		s.renderMatching(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flashText(r, sentText(r, made))
	http.Redirect(w, r, "/admin/matching", http.StatusSeeOther)
}

// sentText says how the offers went: how many by e-mail, by SMS, and how many are on the call
// list; or that none was made.
func sentText(r *http.Request, made []signups.MadeOffer) string {
	by := map[string]int{}
	for _, m := range made {
		by[m.Channel]++
	}
	var parts []string
	for _, ch := range []string{signups.ByEmail, signups.BySMS, signups.ByPhone} {
		if by[ch] > 0 {
			parts = append(parts, i18n.T(r.Context(), "matching.sent."+ch, "Count", by[ch]))
		}
	}
	if len(parts) == 0 {
		return i18n.T(r.Context(), "matching.sent.none")
	}
	return strings.Join(parts, " ")
}

// The person's side: the offer behind the link in the e-mail.

func (s *Server) offerPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	o, err := s.signups().OfferByToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, postgres.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, i18n.T(r.Context(), "offer.unknown"), pages.MyLinkExpired())
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderOffer(w, r, http.StatusOK, o, "/tilbud/"+r.PathValue("token"), "")
}

func (s *Server) renderOffer(w http.ResponseWriter, r *http.Request, status int, o signups.Offer, action, problem string) {
	if problem == "" {
		switch {
		case o.Status != signups.OfferPending:
			problem = "offer.status." + o.Status
		case o.Full:
			problem = "offer.full"
		}
	}
	page := s.layout(r, i18n.T(r.Context(), "offer.title", "Name", o.FirstName))
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, pages.OfferView(pages.OfferPage{Offer: o, Action: action, Problem: problem}))
}

func (s *Server) answerOfferByLink(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	o, err := s.signups().OfferByToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, postgres.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.answerOffer(w, r, o, "/tilbud/"+r.PathValue("token"))
}

// answerMyOffer answers an offer from the person's private page.
func (s *Server) answerMyOffer(w http.ResponseWriter, r *http.Request) {
	p, ok := s.byLink(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	id := pathID(r)
	o, err := s.signups().OfferOf(r.Context(), p.ID, id)
	if err != nil {
		s.serverError(w, r, err) // another person's offer: 404
		return
	}
	s.answerOffer(w, r, o, "/mine/"+r.PathValue("token")+"/tilbud/"+strconv.FormatInt(id, 10))
}

// answerOffer records the answer ("svar": accept, decline, withdraw). An offer answered
// already, past its deadline, or for a group that filled up, is explained and nothing changes.
func (s *Server) answerOffer(w http.ResponseWriter, r *http.Request, o signups.Offer, action string) {
	a := signups.Answer(r.PostFormValue("svar"))
	if a != signups.Accept && a != signups.Decline && a != signups.Withdraw {
		s.renderOffer(w, r, http.StatusUnprocessableEntity, o, action, "offer.choose")
		return
	}
	answered, err := s.signups().AnswerOffer(r.Context(), o.ID, a)
	switch {
	case errors.Is(err, signups.ErrOfferAnswered):
		s.renderOffer(w, r, http.StatusConflict, o, action, "offer.status."+o.Status)
	case errors.Is(err, signups.ErrOfferExpired):
		s.renderOffer(w, r, http.StatusConflict, o, action, "offer.status.expired")
	case errors.Is(err, signups.ErrFull):
		s.renderOffer(w, r, http.StatusConflict, o, action, "offer.full")
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.renderOffer(w, r, http.StatusOK, answered, action, "offer.done."+answered.Status)
	}
}
