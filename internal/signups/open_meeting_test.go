package signups_test

import (
	"context"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/matching"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// Must show: matching never proposes an open meeting, even when people wait for its theme at
// its time and it has room: the same pool proposes the group while it is not an open meeting.
func TestMatchingNeverProposesAnOpenMeeting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	waiting(t, db, target, 4)
	proposed := func() []matching.Placement {
		t.Helper()
		people, list, err := s.Pool(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return matching.Match(people, list, matching.Options{}).Placements
	}
	if got := proposed(); len(got) != 2 || got[0].GroupID != target.GroupID {
		t.Fatalf("before: %+v, want two places proposed in the group", got)
	}

	store := groups.NewStore(db)
	g, err := store.Get(ctx, target.GroupID)
	if err != nil {
		t.Fatal(err)
	}
	f := groups.FormOf(g)
	f.OpenMeeting = true
	if _, err := store.Update(ctx, g.ID, f); err != nil {
		t.Fatal(err)
	}
	people, list, err := s.Pool(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range list {
		if pg.ID == target.GroupID {
			t.Errorf("the open meeting is in matching's pool: %+v", pg)
		}
	}
	res := matching.Match(people, list, matching.Options{})
	for _, p := range res.Placements {
		if p.GroupID == target.GroupID {
			t.Errorf("a place in the open meeting is proposed: %+v", p)
		}
	}
	if len(people) != 4 {
		t.Errorf("%d people wait, want 4: they still wait for the theme", len(people))
	}
}
