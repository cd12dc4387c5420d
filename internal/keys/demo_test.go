package keys_test

import (
	"context"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// The demo key register shows every side of the list: keys in the house, out, overdue, with a
// history; a second run adds nothing.
func TestDemoKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	for range 2 {
		if _, err := demo.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := keys.NewStore(db).Counts(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if counts.All != 7 || counts.Out != 3 || counts.Overdue != 1 {
		t.Errorf("demo counts %+v, want 7 keys, 3 out, 1 overdue", counts)
	}
	var loans, returned, withRooms, entries int
	db.QueryRow(ctx, `SELECT count(*), count(returned_at) FROM key_loans`).Scan(&loans, &returned)
	db.QueryRow(ctx, `SELECT count(DISTINCT key_id) FROM key_rooms`).Scan(&withRooms)
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'key'`).Scan(&entries)
	if loans != 4 || returned != 1 || withRooms != 7 || entries != 5 {
		t.Errorf("%d loans (%d returned), %d keys with rooms, %d audit entries; want 4 (1), 7, 5", loans, returned, withRooms, entries)
	}
}
