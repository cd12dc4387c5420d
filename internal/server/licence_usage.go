package server

import (
	"net/http"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// licenceUsage shows staff how much the licences were lent over ?fra=&til= (both days
// included). Without til the period ends today; without fra it covers 365 days.
func (s *Server) licenceUsage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	today := tz.Midnight(s.now())
	p := pages.LicenceUsagePage{From: q.Get("fra"), To: q.Get("til")}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	if p.From == "" {
		last, err := tz.ParseDate(p.To)
		if err != nil {
			last = today
		}
		p.From = last.AddDate(0, 0, -364).Format(time.DateOnly) // 365 days with the last
	}
	from, to, errs := licences.ParsePeriod(p.From, p.To)
	if !errs.OK() {
		// A date field cannot show what is not a date: clear a bad one rather than echo it.
		if errs.Has("fra") {
			p.From = ""
		}
		if _, err := tz.ParseDate(p.To); err != nil {
			p.To = ""
		}
		p.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "usage.title"), pages.LicenceUsage(p))
		return
	}
	u, err := licences.ReadUsage(ctx, s.db, from, to)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Usage = u
	s.render(w, r, http.StatusOK, i18n.T(ctx, "usage.title"), pages.LicenceUsage(p))
}
