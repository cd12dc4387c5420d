package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/metrics"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// newMeasuredServer is the real router on a fresh database with request metrics wired in, as
// serve does when ADMIN_ADDR is set.
func newMeasuredServer(t *testing.T) (*httptest.Server, *metrics.Metrics) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": "postgres://unused", "BASE_URL": "http://selvhjelp.test"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.New(t)
	srv, err := New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), testOutbox(t, db, cfg.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(db)
	srv.SetMetrics(m.Middleware)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, m
}

func TestMetricsLabelRequestsByRoutePattern(t *testing.T) {
	t.Parallel()
	ts, m := newMeasuredServer(t)
	for _, p := range []string{"/grupper/some-slug", "/grupper", "/mine/secret-token-abc", "/finnes/ikke", "/healthz"} {
		get(t, noRedirect, ts.URL+p)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`http_requests_total{code="404",method="GET",route="/grupper/{slug}"} 1`,
		`http_requests_total{code="200",method="GET",route="/grupper"} 1`,
		`http_requests_total{code="404",method="GET",route="/mine/{token}"} 1`,
		`http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`http_requests_total{code="200",method="GET",route="/healthz"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/grupper/{slug}"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	for _, leak := range []string{"some-slug", "secret-token-abc", "/finnes/ikke"} {
		if strings.Contains(body, leak) {
			t.Errorf("scrape shows the raw path part %q", leak)
		}
	}
}

// Metrics and profiles are served only on the admin listener: the public router answers 404,
// with request metrics wired in or not.
func TestPublicRouterServesNoMetricsOrPprof(t *testing.T) {
	t.Parallel()
	plain, _ := newTestServer(t, nil)
	measured, _ := newMeasuredServer(t)
	for _, base := range []string{plain.URL, measured.URL} {
		for _, p := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/cmdline"} {
			if res, _ := get(t, noRedirect, base+p); res.StatusCode != http.StatusNotFound {
				t.Errorf("public GET %s = %d, want 404", p, res.StatusCode)
			}
		}
	}
}
