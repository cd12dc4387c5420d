package metrics_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/metrics"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// find returns the metric of family name whose labels include want, or nil.
func find(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) *dto.Metric {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metric:
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if got[k] != v {
					continue metric
				}
			}
			return m
		}
	}
	return nil
}

// value is the value of a gauge or counter found with find; -1 when there is none.
func value(t *testing.T, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	m := find(t, reg, name, labels)
	switch {
	case m == nil:
		return -1
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	}
	t.Fatalf("%s%v is neither a gauge nor a counter", name, labels)
	return 0
}

func scrape(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Code, rec.Body.String()
}

func TestMiddlewareLabelsRoutePatternNotPath(t *testing.T) {
	t.Parallel()
	m := metrics.New(pgtest.New(t))
	r := chi.NewRouter()
	r.Use(m.Middleware)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {}) // writes nothing: 200
	r.Get("/grupper/{slug}", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	r.Route("/mine", func(r chi.Router) {
		r.Get("/{token}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	})
	for _, req := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/grupper/some-slug"}, {"GET", "/grupper/other-slug"},
		{"GET", "/mine/secret-token-123"}, {"GET", "/no/such/page"}, {"BREW", "/"},
	} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}
	reg := m.Registry()
	for _, tc := range []struct {
		route, method, code string
		want                float64
	}{
		{"/", "GET", "200", 1},
		{"/grupper/{slug}", "GET", "404", 2},
		{"/mine/{token}", "GET", "200", 1},
		{"unmatched", "GET", "404", 1},
		{"unmatched", "OTHER", "405", 1}, // chi matches no pattern for a method it does not route
	} {
		labels := map[string]string{"route": tc.route, "method": tc.method, "code": tc.code}
		if got := value(t, reg, "http_requests_total", labels); got != tc.want {
			t.Errorf("http_requests_total%v = %v, want %v", labels, got, tc.want)
		}
	}
	h := find(t, reg, "http_request_duration_seconds", map[string]string{"route": "/grupper/{slug}", "method": "GET"})
	if h == nil || h.GetHistogram().GetSampleCount() != 2 {
		t.Fatalf("duration histogram of /grupper/{slug}: %v", h)
	}
	if b := h.GetHistogram().GetBucket(); len(b) != 11 || b[0].GetUpperBound() != 0.001 || b[len(b)-1].GetUpperBound() != 2.5 {
		t.Errorf("buckets should run from 1 ms to 2.5 s: %v", b)
	}
	_, body := scrape(t, m.Handler())
	for _, leak := range []string{"some-slug", "secret-token-123", "/no/such/page", "BREW"} {
		if strings.Contains(body, leak) {
			t.Errorf("the scrape shows %q from a raw request", leak)
		}
	}
}

func TestScrapeReportsPoolQueueAndOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	m := metrics.New(db)
	reg := m.Registry()
	if got := value(t, reg, "outbox_unsent_messages", nil); got != 0 {
		t.Errorf("empty outbox: outbox_unsent_messages = %v", got)
	}
	if got := value(t, reg, "outbox_oldest_unsent_age_seconds", nil); got != 0 {
		t.Errorf("empty outbox: outbox_oldest_unsent_age_seconds = %v", got)
	}

	id := enqueueMail(t, db)
	if _, err := db.Exec(ctx, `UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := value(t, reg, "outbox_unsent_messages", nil); got != 1 {
		t.Errorf("outbox_unsent_messages = %v, want 1", got)
	}
	if got := value(t, reg, "outbox_oldest_unsent_age_seconds", nil); got < 90 || got > 600 {
		t.Errorf("outbox_oldest_unsent_age_seconds = %v, want about 90", got)
	}
	for state, want := range map[string]float64{"available": 1, "scheduled": 0, "retryable": 0, "running": 0} {
		labels := map[string]string{"queue": mail.Queue, "state": state}
		if got := value(t, reg, "river_jobs", labels); got != want {
			t.Errorf("river_jobs%v = %v, want %v", labels, got, want)
		}
	}
	if got, want := value(t, reg, "db_pool_max_connections", nil), float64(db.Config().MaxConns); got != want {
		t.Errorf("db_pool_max_connections = %v, want %v", got, want)
	}
	if got := value(t, reg, "db_pool_acquires_total", nil); got < 1 {
		t.Errorf("db_pool_acquires_total = %v after queries", got)
	}

	code, body := scrape(t, m.Handler())
	for _, want := range []string{
		"outbox_unsent_messages 1", `river_jobs{queue="mail",state="available"} 1`,
		"db_pool_total_connections ", "db_pool_idle_connections ", "db_pool_acquired_connections ",
		"db_pool_acquire_duration_seconds_total ", "db_pool_empty_acquires_total ", "db_pool_canceled_acquires_total ",
		"go_goroutines ", "process_resident_memory_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape (%d) lacks %q", code, want)
		}
	}

	if _, err := db.Exec(ctx, `UPDATE outbox SET sent_at = now(), transport = 'smtp' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := value(t, reg, "outbox_unsent_messages", nil); got != 0 {
		t.Errorf("after sending: outbox_unsent_messages = %v", got)
	}
	// A message the provider refused for good is not waiting: it is counted apart, and its
	// age does not grow the oldest wait.
	failed := enqueueMail(t, db)
	if _, err := db.Exec(ctx, `UPDATE outbox SET failed_at = now(), created_at = now() - interval '3 days' WHERE id = $1`, failed); err != nil {
		t.Fatal(err)
	}
	if got := value(t, reg, "outbox_failed_messages", nil); got != 1 {
		t.Errorf("outbox_failed_messages = %v, want 1", got)
	}
	if n, age := value(t, reg, "outbox_unsent_messages", nil), value(t, reg, "outbox_oldest_unsent_age_seconds", nil); n != 0 || age != 0 {
		t.Errorf("with only a refused message: %v unsent, oldest %v s; want 0 and 0", n, age)
	}
}

// A database outage leaves the database's series out of the scrape; the rest is still served.
func TestScrapeWithoutDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	m := metrics.New(db)
	db.Close()
	scrape(t, m.Handler()) // the error counter counts this scrape's failure in the next one
	code, body := scrape(t, m.Handler())
	if code != http.StatusOK {
		t.Fatalf("scrape = %d", code)
	}
	for _, want := range []string{"go_goroutines ", "db_pool_max_connections ", `promhttp_metric_handler_errors_total{cause="gathering"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if strings.Contains(body, "outbox_unsent_messages ") {
		t.Error("the outbox backlog cannot be known without the database")
	}
}

// enqueueMail queues a real e-mail, as the app does: an outbox row and its River job.
func enqueueMail(t *testing.T, db *pgxpool.Pool) int64 {
	t.Helper()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := mail.NewClient(db, mail.Config{Sender: mail.NewDevSender(discard), Seal: mailtest.Seal, Domain: "selvhjelp.test", Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	msg := auth.PasswordResetMessage(i18n.NB, "http://selvhjelp.test/nytt-passord/x", time.Now().Add(time.Hour))
	msg.To = "kari@example.no"
	var id int64
	err = pgx.BeginFunc(context.Background(), db, func(tx pgx.Tx) (err error) {
		id, err = mail.NewOutbox(c, nil, mailtest.Seal).Enqueue(context.Background(), tx, msg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
