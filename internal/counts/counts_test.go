package counts_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// Adds to one figure add up, also when many land at once; other keys and years stay apart.
func TestAdd(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := counts.Add(ctx, db, 2026, "signups", "friend", 1); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, c := range []struct {
		year        int
		metric, key string
		n           int
	}{{2026, "signups", "friend", 3}, {2026, "signups", "", 2}, {2025, "signups", "friend", 4}, {2026, "event_held", "intro", 0}} {
		if err := counts.Add(ctx, db, c.year, c.metric, c.key, c.n); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int{}
	rows, _ := db.Query(ctx, `SELECT year::text || '/' || metric || '/' || key, count FROM yearly_counts`)
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		got[k] = n
	}
	want := map[string]int{"2026/signups/friend": 23, "2026/signups/": 2, "2025/signups/friend": 4, "2026/event_held/intro": 0}
	if len(got) != len(want) {
		t.Errorf("figures %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s = %d, want %d", k, got[k], n)
		}
	}
	// The table refuses a year nobody means, and a figure below zero.
	if err := counts.Add(ctx, db, 1, "signups", "", 1); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("year 1: %v", err)
	}
	if err := counts.Add(ctx, db, 2027, "signups", "", -1); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("a negative figure: %v", err)
	}
}

func TestYearIsOslos(t *testing.T) {
	t.Parallel()
	if y := counts.Year(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); y != 2027 {
		t.Errorf("23.30 UTC on New Year's Eve counts in %d, want 2027", y)
	}
	if y := counts.Year(time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC)); y != 2026 {
		t.Errorf("22.30 UTC on New Year's Eve counts in %d, want 2026", y)
	}
}
