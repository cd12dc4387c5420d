package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// usagePage calls the handler itself, inside the session middleware the layout needs: the
// route and its staff guard are wired in routes.go and tested in the authorisation matrix.
func usagePage(t *testing.T, a *testApp, lang i18n.Lang, query string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/admin/lisenser/bruk"+query, nil)
	req = req.WithContext(i18n.WithLang(req.Context(), lang))
	rec := httptest.NewRecorder()
	a.srv.sessions.LoadAndSave(http.HandlerFunc(a.srv.licenceUsage)).ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// Must show: without a period the page covers the 365 days up to today; the figures are
// rendered as tables with shares as percentages in each language; a wrong period is 422
// with the message next to its field and no figures.
func TestLicenceUsagePage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newTestApp(t, nil)
	a.srv.now = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, tz.Oslo) }
	f := licences.Form{Provider: licences.Zoom, Label: "Zoom stor", MaxParticipants: "100", AccountLogin: "z@example.test", Secret: "x"}
	if errs := f.Validate(true); !errs.OK() {
		t.Fatal(errs)
	}
	lic, err := a.srv.licences().Create(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	alfa := a.fixtures(t).Org("Alfa")
	// Lent to Alfa for 73 days (1 March to 12 May 2026), 20 % of 365; answered after 26 hours.
	// Raw SQL: a request is made today and answered now, never on dates in the past.
	_, err = a.db.Exec(ctx, `WITH q AS (INSERT INTO licence_requests (org_id, provider, period, purpose, participants,
				contact_name, contact_email, status, created_at, decided_at)
			VALUES ($5, 'zoom', tstzrange($2, $3), 'Møter', 5, 'Kari', 'kari@example.test', 'approved', $4, $4::timestamptz + interval '26 hours')
			RETURNING id, org_id, period)
		INSERT INTO licence_loans (licence_id, request_id, org_id, period) SELECT $1, q.id, q.org_id, q.period FROM q`,
		lic, time.Date(2026, 3, 1, 0, 0, 0, 0, tz.Oslo), time.Date(2026, 5, 13, 0, 0, 0, 0, tz.Oslo),
		time.Date(2026, 2, 20, 10, 0, 0, 0, tz.Oslo), alfa.ID)
	if err != nil {
		t.Fatal(err)
	}

	code, body := usagePage(t, a, i18n.NB, "")
	for _, want := range []string{`value="2025-11-24"`, `value="2026-11-23"`, "Perioden 24.11.2025 – 23.11.2026 har 365 dager.", "<th scope=\"row\">Zoom stor</th>",
		"<td>73</td>", "<td>20 %</td>", "<th scope=\"row\">Alfa</th>", `<caption class="ds-sr-only">Per låntaker</caption>`,
		"1 forespørsel fikk svar i perioden, etter 26 timer.", `href="/admin/lisenser"`} {
		if !strings.Contains(body, want) {
			t.Errorf("nb page lacks %q", want)
		}
	}
	if code != http.StatusOK {
		t.Errorf("status %d", code)
	}
	if code, body := usagePage(t, a, i18n.EN, "?fra=2026-03-01&til=2026-03-31"); code != http.StatusOK ||
		!strings.Contains(body, "<td>31</td>") || !strings.Contains(body, "<td>100%</td>") {
		t.Errorf("en March: %d", code)
	}
	// A period with nothing lent says so instead of showing empty tables.
	if _, body := usagePage(t, a, i18n.NB, "?fra=2026-06-01&til=2026-06-30"); !strings.Contains(body, "Ingen lånte lisenser i perioden.") ||
		!strings.Contains(body, "<td>0 %</td>") {
		t.Error("June: no sentence for the empty borrower table")
	}

	for _, c := range []struct{ query, field, msg string }{
		{"?fra=2026-03-02&til=2026-03-01", "til", "Sluttdatoen kan ikke være før startdatoen."},
		{"?fra=2020-01-01&til=2026-03-01", "til", "Perioden kan være høyst 5 år."},
		{"?fra=i+går&til=2026-03-01", "fra", "Skriv den slik: 2026-01-01"},
	} {
		code, body := usagePage(t, a, i18n.NB, c.query)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="felt-`+c.field+`-feil"`) ||
			!strings.Contains(body, c.msg) || strings.Contains(body, "<table") {
			t.Errorf("%s: %d", c.query, code)
		}
		if strings.Contains(body, "i går") {
			t.Errorf("%s: the bad date is echoed", c.query)
		}
	}
}
