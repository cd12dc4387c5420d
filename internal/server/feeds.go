package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// calendarFeed serves the iCal feed behind a secret token (/kalender/{token}.ics).
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	cal, err := s.calendar(ctx, token)
	if errors.Is(err, postgres.ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(cal) // #nosec G705 -- an iCalendar body sent as text/calendar with nosniff, never as HTML
}

// rotateFeed makes a new secret feed link for a room or group and shows it once; the old
// link stops working at once.
func (s *Server) rotateFeed(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		id := pathID(r)
		token, err := s.rooms().RotateFeed(r.Context(), kind, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusOK, i18n.T(r.Context(), "feed.title"), pages.FeedLink(s.absURL("/kalender/"+token+".ics")))
	}
}
