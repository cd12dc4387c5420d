package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// seedBenchCatalogue adds twelve themes and n published groups spread over them, the days
// and the hours, in three statements (raw SQL on purpose: the stores make one group at a time).
const seedBenchCatalogue = `
INSERT INTO themes (slug, name_nb, name_en) SELECT 'tema-' || i, 'Tema ' || i, 'Theme ' || i FROM generate_series(1, 12) i;
INSERT INTO groups (slug, name, kind, format, platform, weekday, starts_at, ends_at, capacity, open, published, description_nb)
SELECT 'gruppe-' || i, (ARRAY['Angst', 'Sorg', 'Ærlig prat', 'Østkant', 'Åpen', 'Zebra'])[1 + i % 6] || ' ' || i,
	(ARRAY['selfhelp', 'conversation', 'coffee'])[1 + i % 3], (ARRAY['house', 'digital', 'hybrid'])[1 + i % 3],
	(ARRAY['', 'zoom', 'whereby'])[1 + i % 3], 1 + i % 7, make_time(8 + i % 13, 0, 0), make_time(9 + i % 13, 30, 0),
	8, i % 5 <> 0, true, 'En gruppe for deg som vil møte andre.'
FROM generate_series(1, $1::int) i;
INSERT INTO group_themes (group_id, theme_id)
SELECT g.id, t.id FROM groups g JOIN themes t ON t.slug IN ('tema-' || (1 + g.id % 12), 'tema-' || (1 + (g.id + 5) % 12));
VACUUM ANALYZE;`

// BenchmarkCatalogue measures GET /grupper through the real router and middleware on a
// catalogue of 2 000 published groups: the first page, a filtered page and a late page.
func BenchmarkCatalogue(b *testing.B) {
	base := map[string]string{"DATABASE_URL": "postgres://unused", "APP_ENV": "development", "BASE_URL": "http://selvhjelp.test"}
	cfg, err := config.Load(func(k string) string { return base[k] })
	if err != nil {
		b.Fatal(err)
	}
	db := pgtest.New(b)
	ctx := context.Background()
	for _, stmt := range strings.Split(seedBenchCatalogue, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		var args []any
		if strings.Contains(stmt, "$1") {
			args = append(args, 2000)
		}
		if _, err := db.Exec(ctx, stmt, args...); err != nil {
			b.Fatal(err)
		}
	}
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(cfg, db, discard, mailtest.OutboxWith(b, db, cfg.BaseURL, mailtest.Seal,
		func(w *river.Workers) error { return river.AddWorkerSafely(w, &optin.Worker{}) }))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	h := srv.Handler()
	for _, c := range []struct{ name, path, want string }{
		{"first-page", "/grupper", "Vi fant 2000 grupper."},
		{"filtered", "/grupper?tema=tema-3&dag=2&tid=kveld&ledig=1", "Vi fant"},
		{"page-40", "/grupper?side=40", "Side 40 av 80"},
	} {
		b.Run(c.name, func(b *testing.B) {
			serve := func() *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, c.path, nil))
				return w
			}
			if w := serve(); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), c.want) {
				b.Fatalf("GET %s = %d, lacks %q", c.path, w.Code, c.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				if w := serve(); w.Code != http.StatusOK {
					b.Fatalf("GET %s = %d", c.path, w.Code)
				}
			}
		})
	}
}
