package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

func TestTheLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	if err := audit.Record(ctx, db, audit.Actor{Label: "cli"}, audit.Entry{Action: audit.UserCreated, Entity: "user", EntityID: 7}); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE audit_log SET action = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		if _, err := db.Exec(ctx, sql); err == nil {
			t.Errorf("%s succeeded on the audit log", sql)
		}
	}
	var n int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, audit.UserCreated).Scan(&n)
	if n != 1 {
		t.Errorf("%d entries after the refused changes, want 1", n)
	}
}

func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	adminID := fixture.New(t, db).User("A", auth.Admin, 0).ID
	admin := audit.Actor{ID: adminID, Label: "a@example.no", IP: "192.0.2.4"}
	for i := 0; i < 25; i++ {
		e := audit.Entry{Action: audit.PersonalDataViewed, Entity: "participant", EntityID: int64(i + 1), Details: map[string]any{"n": i}}
		if i%5 == 0 {
			e = audit.Entry{Action: audit.Login, Entity: "user", EntityID: adminID}
		}
		if err := audit.Record(ctx, db, admin, e); err != nil {
			t.Fatal(err)
		}
	}
	audit.Record(ctx, db, audit.Actor{Label: "system"}, audit.Entry{Action: audit.UserCreated})
	rows, total, err := audit.List(ctx, db, audit.Filter{ActorID: adminID, Entity: "participant"}, 10, 0)
	if err != nil || total != 20 || len(rows) != 10 {
		t.Fatalf("page 1: %d rows of %d, %v", len(rows), total, err)
	}
	if rows[0].ID < rows[1].ID || rows[0].ClientIP == nil || rows[0].ClientIP.String() != "192.0.2.4" || rows[0].Details["n"] == nil {
		t.Errorf("first row: %+v", rows[0])
	}
	last, _, _ := audit.List(ctx, db, audit.Filter{ActorID: adminID, Entity: "participant"}, 10, 20)
	if len(last) != 0 {
		t.Errorf("past the end: %d rows", len(last))
	}
	all, total, _ := audit.List(ctx, db, audit.Filter{}, 100, 0)
	if total != 26 || len(all) != 26 {
		t.Errorf("unfiltered: %d", total)
	}
	none, total, _ := audit.List(ctx, db, audit.Filter{From: time.Now().Add(time.Hour)}, 10, 0)
	if total != 0 || len(none) != 0 {
		t.Errorf("from the future: %d", total)
	}
	logins, total, _ := audit.List(ctx, db, audit.Filter{Action: audit.Login}, 10, 0)
	if total != 5 || logins[0].Action != audit.Login {
		t.Errorf("logins: %d", total)
	}
}
