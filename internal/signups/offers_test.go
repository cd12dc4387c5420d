package signups_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/matching"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// waiting signs up n people for the theme, a minute apart, and returns their sign-up ids.
func waiting(t *testing.T, db *pgxpool.Pool, target signups.Target, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	for i := range n {
		res, err := s.SignUp(ctx, form("p"+string(rune('a'+i))+"@example.test"), signups.Target{ThemeID: target.ThemeID}, "nb")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.SignupID)
		db.Exec(ctx, `UPDATE signups SET waiting_since = now() - make_interval(days => $2) WHERE id = $1`, res.SignupID, 30-i)
	}
	return ids
}

func offer(t *testing.T, db *pgxpool.Pool, signupID, groupID int64, deadline time.Time) signups.MadeOffer {
	t.Helper()
	ctx := context.Background()
	var made []signups.MadeOffer
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		made, err = signups.MakeOffers(ctx, tx, []signups.NewOffer{{SignupID: signupID, GroupID: groupID}}, 0, deadline)
		return err
	})
	if err != nil || len(made) != 1 {
		t.Fatalf("offer: %v %v", made, err)
	}
	return made[0]
}

// Must show: accepting twice, after the deadline, or after the group filled up gives a clear
// answer and changes nothing; declining puts the person back with their original waiting
// time; expiry does the same for those who did not answer.
func TestOffers(t *testing.T) {
	ctx := context.Background()
	db, target := fixture(t) // the group has 2 places
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	ids := waiting(t, db, target, 4)
	people, groups, err := s.Pool(ctx)
	if err != nil || len(people) != 4 || len(groups) != 1 || groups[0].Places != 2 || groups[0].Slot != "2-evening" {
		t.Fatalf("pool: %+v %+v %v", people, groups, err)
	}
	res := matching.Match(people, groups, matching.Options{})
	if len(res.Placements) != 2 || res.Placements[0].PersonID != ids[0] || res.Placements[1].PersonID != ids[1] {
		t.Fatalf("the longest waiting are not proposed: %+v", res.Placements)
	}
	deadline := time.Now().Add(7 * 24 * time.Hour)
	var made []signups.MadeOffer
	for _, id := range ids {
		made = append(made, offer(t, db, id, target.GroupID, deadline))
	}
	if _, groups, _ = s.Pool(ctx); groups[0].Places != 0 {
		t.Errorf("open offers do not hold the places: %d left", groups[0].Places)
	}
	byToken, err := s.OfferByToken(ctx, made[0].Token)
	if err != nil || byToken.GroupName != "Tirsdagsgruppa" || byToken.Status != signups.OfferPending || byToken.Weekday != 2 {
		t.Fatalf("offer by token: %+v %v", byToken, err)
	}
	if _, err := s.AnswerOffer(ctx, made[0].OfferID, signups.Accept); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerOffer(ctx, made[0].OfferID, signups.Accept); !errors.Is(err, signups.ErrOfferAnswered) {
		t.Errorf("accept twice: %v", err)
	}
	if _, err := s.AnswerOffer(ctx, made[1].OfferID, signups.Accept); err != nil {
		t.Fatal(err)
	}
	// The group is full now: the third acceptance is refused and nothing changes.
	if _, err := s.AnswerOffer(ctx, made[2].OfferID, signups.Accept); !errors.Is(err, signups.ErrFull) {
		t.Errorf("accept a full group: %v", err)
	}
	var status, offerStatus string
	var since, sinceBefore time.Time
	db.QueryRow(ctx, `SELECT s.status, o.status FROM signups s JOIN offers o ON o.signup_id = s.id WHERE o.id = $1`, made[2].OfferID).Scan(&status, &offerStatus)
	if status != signups.Offered || offerStatus != signups.OfferPending {
		t.Errorf("after a refused acceptance: %s / %s", status, offerStatus)
	}
	db.QueryRow(ctx, `SELECT waiting_since FROM signups WHERE id = $1`, ids[2]).Scan(&sinceBefore)
	if o, err := s.AnswerOffer(ctx, made[2].OfferID, signups.Decline); err != nil || o.Status != signups.OfferDeclined {
		t.Fatalf("decline: %v", err)
	}
	db.QueryRow(ctx, `SELECT status, waiting_since FROM signups WHERE id = $1`, ids[2]).Scan(&status, &since)
	if status != signups.Waiting || !since.Equal(sinceBefore) {
		t.Errorf("after declining: %s since %v, want waiting since %v", status, since, sinceBefore)
	}
	// The fourth lets the deadline pass: answering is refused; the job puts them back.
	db.Exec(ctx, `UPDATE offers SET made_at = now() - interval '8 days', deadline = now() - interval '1 hour' WHERE id = $1`, made[3].OfferID)
	if _, err := s.AnswerOffer(ctx, made[3].OfferID, signups.Accept); !errors.Is(err, signups.ErrOfferExpired) {
		t.Errorf("accept after the deadline: %v", err)
	}
	if n, err := signups.ExpireOffers(ctx, db, time.Now()); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if n, _ := signups.ExpireOffers(ctx, db, time.Now()); n != 0 {
		t.Errorf("expired twice: %d", n)
	}
	db.QueryRow(ctx, `SELECT status FROM signups WHERE id = $1`, ids[3]).Scan(&status)
	if status != signups.Waiting {
		t.Errorf("after expiry: %s", status)
	}
	// The waits of the two placed (30 and 29 days) outlive them, for the report.
	waits, err := signups.MedianWaits(ctx, db, time.Now().In(tz.Oslo).Year())
	if err != nil || len(waits) != 1 || waits[0].ThemeID != target.ThemeID || waits[0].Placed != 2 || waits[0].Days != 29.5 {
		t.Errorf("median waits: %+v %v", waits, err)
	}
	var members, accepted, declined, expired int
	db.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE group_id = $1 AND left_at IS NULL`, target.GroupID).Scan(&members)
	db.QueryRow(ctx, `SELECT coalesce(sum(count) FILTER (WHERE metric = 'offer_accepted'), 0), coalesce(sum(count) FILTER (WHERE metric = 'offer_declined'), 0),
		coalesce(sum(count) FILTER (WHERE metric = 'offer_expired'), 0) FROM yearly_counts`).Scan(&accepted, &declined, &expired)
	if members != 2 || accepted != 2 || declined != 1 || expired != 1 {
		t.Errorf("%d members; counted %d accepted, %d declined, %d expired", members, accepted, declined, expired)
	}
	// An offer to someone no longer waiting is not made.
	var none []signups.MadeOffer
	pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		none, err = signups.MakeOffers(ctx, tx, []signups.NewOffer{{SignupID: ids[0], GroupID: target.GroupID}}, 0, deadline)
		return err
	})
	if err != nil || len(none) != 0 {
		t.Errorf("an offer to a member: %v %v", none, err)
	}
	// Withdrawing takes the person off the waiting list.
	w := offer(t, db, ids[2], target.GroupID, deadline)
	if _, err := s.AnswerOffer(ctx, w.OfferID, signups.Withdraw); err != nil {
		t.Fatal(err)
	}
	db.QueryRow(ctx, `SELECT status FROM signups WHERE id = $1`, ids[2]).Scan(&status)
	if status != signups.Withdrawn {
		t.Errorf("after withdrawing: %s", status)
	}
}
