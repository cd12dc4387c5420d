package signups

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/matching"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Staff's lists that show people's names beside a group or theme: who wants help with what is
// health data, so each view leaves a line in the audit log, like a participant's own page.

// WaitingList is Waiters for staff member by, with an audit line in the same transaction
// as the read: which queue, from where, and how many were shown.
func (s *Store) WaitingList(ctx context.Context, t Target, limit, offset int, by audit.Actor) ([]Waiter, int, error) {
	var list []Waiter
	total := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if list, total, err = s.on(tx).Waiters(ctx, t, limit, offset); err != nil {
			return err
		}
		e := audit.Entry{Action: audit.PersonalDataViewed, Entity: "group_waiting", EntityID: t.GroupID,
			Details: map[string]any{"offset": offset, "shown": len(list)}}
		if t.GroupID == 0 {
			e.Entity, e.EntityID = "theme_waiting", t.ThemeID
		}
		return audit.Record(ctx, tx, by, e)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("signups: waiting list: %w", err)
	}
	return list, total, nil
}

// MatchingEntries returns what the matching page shows of the people of r (its placements and
// its proposals of new groups), by sign-up id, for staff member by, with an audit line in the
// same transaction as the read: how many, beside which groups and themes.
func (s *Store) MatchingEntries(ctx context.Context, r matching.Result, by audit.Actor) (map[int64]PoolEntry, error) {
	var people, groupIDs, themeIDs []int64
	for _, pl := range r.Placements {
		people, groupIDs = append(people, pl.PersonID), append(groupIDs, pl.GroupID)
	}
	for _, pr := range r.Proposals {
		people, themeIDs = append(people, pr.People...), append(themeIDs, pr.Theme)
	}
	slices.Sort(groupIDs)
	slices.Sort(themeIDs)
	var entries map[int64]PoolEntry
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if entries, err = s.on(tx).PoolEntries(ctx, people); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "matching",
			Details: map[string]any{"shown": len(entries), "groups": orEmptyIDs(slices.Compact(groupIDs)),
				"themes": orEmptyIDs(slices.Compact(themeIDs))}})
	})
	if err != nil {
		return nil, fmt.Errorf("signups: matching entries: %w", err)
	}
	return entries, nil
}

// orEmptyIDs is ids, or an empty list (not null) in the audit line's JSON.
func orEmptyIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
