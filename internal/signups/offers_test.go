package signups_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/matching"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
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

// offer offers the sign-up a place in the group for OfferDays, as staff do, and returns it.
func offer(t *testing.T, s *signups.Store, signupID, groupID int64) signups.MadeOffer {
	t.Helper()
	made, err := s.Offer(context.Background(), []signups.NewOffer{{SignupID: signupID, GroupID: groupID}}, signups.OfferDays, staff, time.Now())
	if err != nil || len(made) != 1 {
		t.Fatalf("offer: %v %v", made, err)
	}
	return made[0]
}

// Must show: accepting twice, after the deadline, or after the group filled up gives a clear
// answer and changes nothing; declining puts the person back with their original waiting
// time; expiry does the same for those who did not answer.
func TestOffers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t) // the group has 2 places
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
	var made []signups.MadeOffer
	for _, id := range ids {
		made = append(made, offer(t, s, id, target.GroupID))
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
	// The one who declined never gets this group again; an expired offer is no decline.
	people, _, err = s.Pool(ctx)
	if err != nil || len(people) != 2 {
		t.Fatalf("pool after the answers: %+v %v", people, err)
	}
	for _, p := range people {
		want := map[int64][]int64{ids[2]: {target.GroupID}, ids[3]: {}}[p.ID]
		if !slices.Equal(p.Declined, want) {
			t.Errorf("sign-up %d declined %v, want %v", p.ID, p.Declined, want)
		}
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
	if none, err := s.Offer(ctx, []signups.NewOffer{{SignupID: ids[0], GroupID: target.GroupID}}, 7, staff, time.Now()); err != nil || len(none) != 0 {
		t.Errorf("an offer to a member: %v %v", none, err)
	}
	// Withdrawing takes the person off the waiting list.
	w := offer(t, s, ids[2], target.GroupID)
	if _, err := s.AnswerOffer(ctx, w.OfferID, signups.Withdraw); err != nil {
		t.Fatal(err)
	}
	db.QueryRow(ctx, `SELECT status FROM signups WHERE id = $1`, ids[2]).Scan(&status)
	if status != signups.Withdrawn {
		t.Errorf("after withdrawing: %s", status)
	}
}

// Sending offers mails each person who chose e-mail the link to their offer, in their
// language and without naming the group (one who gave only a phone number gets an SMS), and
// writes one audit line per offer; a deadline out
// of range, or no offer, is refused before anything is written.
func TestOfferMailsAndAudits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	kari := form("kari@example.no")
	res, _ := s.SignUp(ctx, kari, signups.Target{ThemeID: target.ThemeID}, i18n.EN)
	phone := form("per@example.no")
	phone.Email, phone.Phone = "", "912 34 567"
	per, _ := s.SignUp(ctx, phone, signups.Target{ThemeID: target.ThemeID}, i18n.NB)
	both := []signups.NewOffer{{SignupID: res.SignupID, GroupID: target.GroupID}, {SignupID: per.SignupID, GroupID: target.GroupID}}
	for _, c := range []struct {
		offers []signups.NewOffer
		days   int
		field  string
	}{{both, 0, "frist"}, {both, signups.MaxOfferDays + 1, "frist"}, {nil, 7, "tilbud"}} {
		var errs validate.Errors
		if _, err := s.Offer(ctx, c.offers, c.days, staff, time.Now()); !errors.As(err, &errs) || !errs.Has(c.field) {
			t.Errorf("%d offers for %d days: %v, want an error on %s", len(c.offers), c.days, err, c.field)
		}
	}
	now := time.Now()
	made, err := s.Offer(ctx, both, 3, staff, now)
	if err != nil || len(made) != 2 || !made[0].Deadline.Equal(now.Add(72*time.Hour)) {
		t.Fatalf("offers: %+v %v", made, err)
	}
	var offers []mailtest.Queued
	for _, m := range mailtest.All(t, db) {
		if m.Kind == "offer" {
			offers = append(offers, m)
		}
	}
	if len(offers) != 2 || offers[0].To != "kari@example.no" || offers[0].Subject != i18n.Translate(i18n.EN, "mail.offer.subject") ||
		offers[1].To != "+4791234567" || offers[1].Subject != "" {
		t.Fatalf("offer messages: %+v", offers)
	}
	if strings.Contains(offers[0].Subject+offers[0].Text, "Tirsdagsgruppa") {
		t.Errorf("the offer mail names the group:\n%s", offers[0].Text)
	}
	if o, err := s.OfferByToken(ctx, linkIn(t, db, "kari@example.no", "/tilbud/")); err != nil || o.ID != made[0].OfferID {
		t.Errorf("the mailed link: %+v %v", o, err)
	}
	var lines int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = $2 AND details ? 'offer_id'`,
		audit.OfferMade, staff.Label).Scan(&lines)
	if lines != 2 {
		t.Errorf("%d audit lines, want 2", lines)
	}
}
