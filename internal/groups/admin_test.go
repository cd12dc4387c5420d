package groups_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// The start-up and follow-up of groups (package volunteers) writes a group's days through
// these methods, on its own transaction.
func TestSetStartedAndHandedOver(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "Samtalegruppe", nil)
	days := func() (started, handover *time.Time) {
		t.Helper()
		if err := f.db.QueryRow(ctx, `SELECT started_on, handover_on FROM groups WHERE id = $1`, g.ID).
			Scan(&started, &handover); err != nil {
			t.Fatal(err)
		}
		return started, handover
	}
	start, handover := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)

	if err := f.s.SetStarted(ctx, g.ID, &start); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetHandedOver(ctx, g.ID, handover); err != nil {
		t.Fatal(err)
	}
	if s, h := days(); s == nil || !s.Equal(start) || h == nil || !h.Equal(handover) {
		t.Fatalf("days = %v, %v; want %v, %v", s, h, start, handover)
	}
	if err := f.s.SetStarted(ctx, g.ID, nil); err != nil {
		t.Fatal(err)
	}
	if s, _ := days(); s != nil {
		t.Errorf("started after nil = %v; want none", s)
	}

	if err := f.s.SetStarted(ctx, 999999, &start); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("SetStarted of no group = %v; want ErrNotFound", err)
	}
	if err := f.s.SetHandedOver(ctx, 999999, handover); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("SetHandedOver of no group = %v; want ErrNotFound", err)
	}
}

// LockStatus holds the group's row for the caller's transaction: another transaction cannot
// take it until the first ends.
func TestLockStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "Samtalegruppe", nil)
	err := postgres.InTx(ctx, f.db, func(tx pgx.Tx) error {
		status, err := groups.NewStore(tx).LockStatus(ctx, g.ID)
		if err != nil || status != groups.StatusGathering {
			t.Errorf("LockStatus = %q, %v; want %q", status, err, groups.StatusGathering)
		}
		_, err = f.db.Exec(ctx, `SELECT 1 FROM groups WHERE id = $1 FOR UPDATE NOWAIT`, g.ID)
		if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
			t.Errorf("taking the locked row elsewhere = %v; want lock_not_available", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.LockStatus(ctx, 999999); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("LockStatus of no group = %v; want ErrNotFound", err)
	}
}
