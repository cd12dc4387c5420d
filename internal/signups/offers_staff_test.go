package signups_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Staff follow the offers: the list shows them by state (and the view is audited), extending
// refuses a past date and is audited, withdrawing puts the person back with their original
// waiting time, is audited, and the link answers no more.
func TestStaffOffers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	ids := waiting(t, db, target, 2)
	a, b := offer(t, s, ids[0], target.GroupID), offer(t, s, ids[1], target.GroupID)
	now := time.Now()

	list, total, err := s.ListOffers(ctx, signups.OffersOpen, 25, 0, staff, now)
	if err != nil || total != 2 || len(list) != 2 || list[0].ID != b.OfferID || list[0].Channel != "email" || !list[0].Open() {
		t.Fatalf("open offers: %+v %d %v", list, total, err)
	}
	if _, _, err := s.ListOffers(ctx, "nonsense", 25, 0, staff, now); !errors.As(err, new(validate.Errors)) {
		t.Errorf("an unknown state: %v", err)
	}

	past := now.AddDate(0, 0, -1).Format(time.DateOnly)
	var errs validate.Errors
	if err := s.ExtendOffer(ctx, a.OfferID, past, staff, now); !errors.As(err, &errs) || !errs.Has("frist") {
		t.Errorf("a past date: %v", err)
	}
	later := now.AddDate(0, 0, 20)
	if err := s.ExtendOffer(ctx, a.OfferID, later.Format(time.DateOnly), staff, now); err != nil {
		t.Fatal(err)
	}
	var deadline time.Time
	db.QueryRow(ctx, `SELECT deadline FROM offers WHERE id = $1`, a.OfferID).Scan(&deadline)
	if deadline.Before(later.Add(-24 * time.Hour)) {
		t.Errorf("deadline not moved: %v", deadline)
	}

	var since, sinceAfter time.Time
	db.QueryRow(ctx, `SELECT waiting_since FROM signups WHERE id = $1`, ids[1]).Scan(&since)
	if err := s.WithdrawOffer(ctx, b.OfferID, staff); err != nil {
		t.Fatal(err)
	}
	var status string
	db.QueryRow(ctx, `SELECT status, waiting_since FROM signups WHERE id = $1`, ids[1]).Scan(&status, &sinceAfter)
	if status != signups.Waiting || !since.Equal(sinceAfter) {
		t.Errorf("after withdrawal: %s since %v, was %v", status, sinceAfter, since)
	}
	if _, err := s.AnswerOffer(ctx, b.OfferID, signups.Accept); !errors.Is(err, signups.ErrOfferAnswered) {
		t.Errorf("a withdrawn offer accepted: %v", err)
	}
	if err := s.WithdrawOffer(ctx, b.OfferID, staff); !errors.Is(err, signups.ErrOfferAnswered) {
		t.Errorf("withdrawn twice: %v", err)
	}
	if err := s.ExtendOffer(ctx, b.OfferID, later.Format(time.DateOnly), staff, now); !errors.Is(err, signups.ErrOfferAnswered) {
		t.Errorf("a withdrawn offer extended: %v", err)
	}
	if _, _, err := s.ListOffers(ctx, signups.OffersAnswered, 25, 0, staff, now); err != nil {
		t.Fatal(err)
	}
	if list, total, _ := s.ListOffers(ctx, signups.OffersAnswered, 25, 0, staff, now); total != 1 || list[0].Status != signups.OfferWithdrawn {
		t.Errorf("answered: %+v", list)
	}
	for action, want := range map[string]int{audit.OfferExtended: 1, audit.OfferWithdrawn: 1, audit.PersonalDataViewed: 3} {
		var n int
		db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = $2`, action, staff.Label).Scan(&n)
		if n != want {
			t.Errorf("%s: %d audit lines, want %d", action, n, want)
		}
	}
}
