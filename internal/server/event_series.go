package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Event series: the same event on a fixed rule, made through the booking rules in one step.

func (s *Server) seriesList(w http.ResponseWriter, r *http.Request) {
	list, total, err := s.events().SeriesList(r.Context(), s.now(), perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "series.title"), pages.SeriesList(pages.SeriesListPage{List: list, Pager: pager(r, total)}))
}

func (s *Server) newSeriesPage(w http.ResponseWriter, r *http.Request) {
	f := events.SeriesForm{Form: events.Form{Kind: events.Intro, Format: events.House, Start: "18:00", End: "19:30", Capacity: "15", Published: true},
		Rule: events.Monthly, Ordinal: "1"}
	s.renderSeriesForm(w, r, http.StatusOK, pages.SeriesFormPage{Form: f})
}

func (s *Server) renderSeriesForm(w http.ResponseWriter, r *http.Request, status int, p pages.SeriesFormPage) {
	var err error
	if p.Rooms, err = s.rooms().Rooms(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, i18n.T(r.Context(), "series.new"), pages.SeriesFormView(p))
}

// createSeries makes a series' events; when some days collide it lists them and offers to
// make the free ones (skip=1), and when none is free it says so.
func (s *Server) createSeries(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := pages.SeriesFormPage{Form: events.ParseSeries(r.PostForm)}
	if p.Errors = p.Form.Validate(); !p.Errors.OK() {
		s.renderSeriesForm(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	res, err := s.events().CreateSeries(ctx, p.Form, currentUser(r).ID)
	var ce *rooms.ErrConflicts
	switch {
	case errors.As(err, &ce):
		p.Conflicts, p.Free = ce.Conflicts, ce.Free
		s.renderSeriesForm(w, r, http.StatusConflict, p)
		return
	case roomProblem(err, &p.Errors, "capacity"):
		s.renderSeriesForm(w, r, http.StatusUnprocessableEntity, p)
		return
	case errors.Is(err, postgres.ErrInvalid):
		p.Errors.Add("room", "booking.room.required")
		s.renderSeriesForm(w, r, http.StatusUnprocessableEntity, p)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	text := i18n.T(ctx, "series.created", "Count", res.Made)
	if len(res.Skipped) > 0 {
		text += " " + i18n.T(ctx, "series.created.skipped", "Count", len(res.Skipped))
	}
	s.flashText(r, text)
	http.Redirect(w, r, "/admin/arrangementer/serier/"+strconv.FormatInt(res.ID, 10), http.StatusSeeOther)
}

func (s *Server) seriesPage(w http.ResponseWriter, r *http.Request) {
	sr, list, total, err := s.events().GetSeries(r.Context(), pathID(r), s.now(), perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, sr.Title, pages.SeriesView(pages.SeriesPage{Series: sr, Events: list, Pager: pager(r, total), Now: s.now()}))
}
