//go:build faults

package faults

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// The staff account the tests log in with; created with `selvhjelpshus user create`.
const (
	staffEmail    = "vakt@faults.example.org"
	staffName     = "Vera Vakt"
	staffPassword = "en-lang-og-trygg-setning-for-feiltesten"
)

// site is a database with the demo data and the staff account, and what the load needs of it.
type site struct {
	dbURL string
	db    *pgxpool.Pool
	slug  string  // a published group that takes sign-ups
	rooms []int64 // bookable rooms
}

// prepare loads the demo data and the staff account into dbURL with the binary's own
// commands (which migrate the database first).
func prepare(t *testing.T, dbURL string) *site {
	t.Helper()
	env := baseEnv(dbURL, "")
	command(t, env, "", "seed", "--demo")
	command(t, env, staffPassword+"\n", "user", "create", "--email", staffEmail, "--name", staffName,
		"--role", "staff", "--password-stdin")
	s := &site{dbURL: dbURL, db: openPool(t, dbURL)}
	rows, err := s.db.Query(context.Background(), `SELECT id FROM rooms WHERE bookable ORDER BY id`)
	if err == nil {
		s.rooms, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	if err != nil || len(s.rooms) == 0 {
		t.Fatalf("rooms: %v %v", s.rooms, err)
	}
	return s
}

// findGroup picks a published group whose sign-up form the instance at base shows (one that
// is full or closed redirects to its theme instead).
func (s *site) findGroup(t *testing.T, base string) {
	t.Helper()
	rows, err := s.db.Query(context.Background(), `SELECT slug FROM groups WHERE published ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range slugs {
		r, err := do("GET", base+"/grupper/"+slug+"/meld-pa", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.status == http.StatusOK {
			s.slug = slug
			return
		}
	}
	t.Fatalf("none of the published groups %v takes sign-ups", slugs)
}

// isFriendly503 tells the "short break" page from a bare error: a whole HTML page with the
// catalogue's title and text for 503, and a Retry-After.
func isFriendly503(r reply) bool {
	title := html.EscapeString(i18n.Translate(i18n.NB, "errors.503.title"))
	text := html.EscapeString(i18n.Translate(i18n.NB, "errors.503.text"))
	b := strings.ToLower(r.body)
	return strings.HasPrefix(r.ctype, "text/html") && r.retryAfter != "" &&
		strings.Contains(b, "<!doctype html>") && strings.Contains(b, "</html>") &&
		strings.Contains(r.body, title) && strings.Contains(r.body, text)
}
