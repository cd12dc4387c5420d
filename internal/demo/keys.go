package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
)

type demoKey struct {
	label, kind, note string
	rooms             []string // names of demo rooms
}

// demoKeys open the demo rooms: a card for the whole floor and a key per room.
var demoKeys = []demoKey{
	{"K-01", keys.KindCard, "Adgangskort til 6. etasje.", []string{"Bjørkerommet", "Furustua", "Lindehjørnet", "Ospesalen"}},
	{"K-02", keys.KindCard, "", []string{"Bjørkerommet", "Ospesalen"}},
	{"N-01", keys.KindKey, "Blå nøkkelring.", []string{"Bjørkerommet"}},
	{"N-02", keys.KindKey, "", []string{"Furustua"}},
	{"N-03", keys.KindKey, "", []string{"Lindehjørnet"}},
	{"N-04", keys.KindKey, "", []string{"Ospesalen"}},
	{"N-05", keys.KindKey, "Reservenøkkel. Skal ikke lånes ut.", []string{"Stillerommet"}},
}

// demoLoan lends a demo key to a fictional contact person. Days are relative to the run:
// lent lentDaysAgo days ago, due dueInDays from now (negative: overdue; 0: no date),
// returned returnedDaysAgo days ago (0: still out).
type demoLoan struct {
	key, holder, phone, group           string
	lentDaysAgo, dueInDays, returnedAgo int
}

// demoLoans use the placeholder names Norwegians use for anyone, and numbers that are not in
// use.
var demoLoans = []demoLoan{
	{"N-02", "Ola Nordmann", "+4790000002", "stress-formiddag", 120, 0, 60},
	{"N-01", "Kari Nordmann", "+4790000001", "angst-tirsdag-kveld", 30, 60, 0},
	{"K-02", "Ola Nordmann", "+4790000002", "aa-mote-majorstua", 40, -10, 0},
	{"N-03", "Mari Eksempel", "", "sorggruppe-onsdag", 14, 0, 0},
}

// seedKeys adds the demo keys that are missing and, for each key it adds, its demo loans,
// through the key register so the loans are in the audit log like any other.
func seedKeys(ctx context.Context, tx pgx.Tx) (int, error) {
	store := keys.NewStore(tx)
	added := map[string]keys.Key{}
	for _, k := range demoKeys {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM keys WHERE label = $1)`, k.label).Scan(&exists); err != nil {
			return len(added), fmt.Errorf("key %s: %w", k.label, err)
		}
		if exists {
			continue
		}
		var rooms []int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id), '{}') FROM rooms WHERE name = ANY($1)`, k.rooms).Scan(&rooms); err != nil {
			return len(added), fmt.Errorf("key %s: %w", k.label, err)
		}
		key, err := store.Create(ctx, keys.Form{Label: k.label, Kind: k.kind, Note: k.note, Rooms: rooms})
		if err != nil {
			return len(added), fmt.Errorf("key %s: %w", k.label, err)
		}
		added[k.label] = key
	}
	now := time.Now()
	by := audit.Actor{Label: "demo"}
	for _, l := range demoLoans {
		key, ok := added[l.key]
		if !ok {
			continue
		}
		var group int64
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT id FROM groups WHERE slug = $1), 0)`, l.group).Scan(&group); err != nil {
			return len(added), fmt.Errorf("loan of %s: %w", l.key, err)
		}
		f := keys.LoanForm{HolderName: l.holder, HolderPhone: l.phone, GroupID: group}
		if l.dueInDays != 0 {
			f.Due = now.AddDate(0, 0, l.dueInDays).Format(time.DateOnly)
		}
		if _, err := store.HandOut(ctx, key.ID, f, by, now.AddDate(0, 0, -l.lentDaysAgo)); err != nil {
			return len(added), fmt.Errorf("loan of %s: %w", l.key, err)
		}
		if l.returnedAgo != 0 {
			if _, err := store.Return(ctx, key.ID, by, now.AddDate(0, 0, -l.returnedAgo)); err != nil {
				return len(added), fmt.Errorf("return of %s: %w", l.key, err)
			}
		}
	}
	return len(added), nil
}
