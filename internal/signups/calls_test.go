package signups_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// signUpBy signs name up for the theme with the e-mail and phone given (either may be ""),
// sets how they want to be reached (contact) and whether SMS is stopped, and returns the
// sign-up's id.
func signUpBy(t *testing.T, db *pgxpool.Pool, target signups.Target, name, email, phone, contact string, stopped bool) int64 {
	t.Helper()
	ctx := context.Background()
	f := form("x@example.org")
	f.FirstName, f.Email, f.Phone = name, email, phone
	if errs := f.Validate(); !errs.OK() {
		t.Fatal(errs)
	}
	res, err := signups.NewStore(db, mailtest.Outbox(t, db)).SignUp(ctx, f, signups.Target{ThemeID: target.ThemeID}, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE participants SET contact = $2, sms_stopped_at = CASE WHEN $3 THEN now() END WHERE id = $1`,
		res.ParticipantID, contact, stopped); err != nil {
		t.Fatal(err)
	}
	return res.SignupID
}

// An offer goes by each person's channel: a mail, or a short SMS that names neither group nor
// theme; to someone who asked to be phoned, or whom nobody can write to, no message goes and
// the offer waits on the call list with no deadline. Matching shows each one's channel.
func TestOfferGoesByChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	kari := signUpBy(t, db, target, "Kari", "kari@example.org", "", "email", false)
	per := signUpBy(t, db, target, "Per", "", "912 34 567", "sms", false)
	ola := signUpBy(t, db, target, "Ola", "ola@example.org", "+4791234568", "phone", false)
	liv := signUpBy(t, db, target, "Liv", "", "+4791234569", "sms", true)

	entries, err := s.PoolEntries(ctx, []int64{kari, per, ola, liv})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{kari: signups.ByEmail, per: signups.BySMS, ola: signups.ByPhone, liv: signups.NotInWriting} {
		if got := entries[id].Channel; got != want {
			t.Errorf("%s's channel in matching: %q, want %q", entries[id].FirstName, got, want)
		}
	}

	now := time.Now()
	var offers []signups.NewOffer
	for _, id := range []int64{kari, per, ola, liv} {
		offers = append(offers, signups.NewOffer{SignupID: id, GroupID: target.GroupID})
	}
	made, err := s.Offer(ctx, offers, 5, staff, now)
	if err != nil || len(made) != 4 {
		t.Fatalf("offers: %+v %v", made, err)
	}
	for i, want := range []string{signups.ByEmail, signups.BySMS, signups.ByPhone, signups.ByPhone} {
		var channel string
		var deadline *time.Time
		db.QueryRow(ctx, `SELECT channel, deadline FROM offers WHERE id = $1`, made[i].OfferID).Scan(&channel, &deadline)
		if made[i].Channel != want || channel != want || (deadline == nil) != (want == signups.ByPhone) {
			t.Errorf("%s: channel %q (stored %q), deadline %v; want %q", made[i].FirstName, made[i].Channel, channel, deadline, want)
		}
	}

	var msgs []mailtest.Queued
	for _, m := range mailtest.All(t, db) {
		if m.Kind == "offer" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) != 2 || msgs[0].To != "kari@example.org" || msgs[1].To != "+4791234567" || msgs[1].Subject != "" {
		t.Fatalf("offer messages: %+v", msgs)
	}
	sms := msgs[1].Text
	if !strings.HasPrefix(sms, "Du har fått tilbud om plass i en gruppe. Svar innen ") || !strings.Contains(sms, "http://selvhjelp.test/tilbud/") {
		t.Errorf("the SMS: %q", sms)
	}
	for _, secret := range []string{"Tirsdagsgruppa", "Angst", "Anxiety", "–", "—"} {
		if strings.Contains(sms, secret) {
			t.Errorf("the SMS has %q: %q", secret, sms)
		}
	}
	token := sms[strings.Index(sms, "/tilbud/")+len("/tilbud/"):]
	token = strings.Fields(token)[0]
	if o, err := s.OfferByToken(ctx, token); err != nil || o.ID != made[1].OfferID || o.Channel != signups.BySMS {
		t.Errorf("the SMS's link: %+v %v", o, err)
	}
	var lines int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND details->>'channel' = 'phone'`, audit.OfferMade).Scan(&lines)
	if lines != 2 {
		t.Errorf("%d audit lines for call offers, want 2", lines)
	}
	// A call offer holds its place in the group like any open offer.
	if _, groups, _ := s.Pool(ctx); groups[0].Places != 0 {
		t.Errorf("call offers do not hold their places: %d left", groups[0].Places)
	}
}

// The call list shows the offers waiting for a call, oldest first, and the view is audited.
// No answer is noted and keeps the offer on the list; the expiry job leaves it alone, however
// old; "wants to think" starts the clock, after which the job expires it in time.
func TestCallListAndClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t)
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	ola := signUpBy(t, db, target, "Ola", "", "+4791234568", "phone", false)
	liv := signUpBy(t, db, target, "Liv", "", "+4791234569", "phone", false)
	a, b := offer(t, s, ola, target.GroupID), offer(t, s, liv, target.GroupID)
	db.Exec(ctx, `UPDATE offers SET made_at = made_at - interval '1 hour' WHERE id = $1`, a.OfferID)
	now := time.Now()

	list, total, err := s.CallList(ctx, 25, 0, staff, now)
	if err != nil || total != 2 || len(list) != 2 || list[0].OfferID != a.OfferID || list[0].Phone != "+4791234568" ||
		list[0].GroupName != "Tirsdagsgruppa" || list[0].Lang != "nb" || list[0].Weekday != 2 || len(list[0].Attempts) != 0 {
		t.Fatalf("call list: %+v %d %v", list, total, err)
	}
	if page, total, _ := s.CallList(ctx, 1, 1, staff, now); total != 2 || len(page) != 1 || page[0].OfferID != b.OfferID {
		t.Errorf("the second page: %+v", page)
	}
	if n, err := signups.ExpireOffers(ctx, db, now.AddDate(1, 0, 0)); err != nil || n != 0 {
		t.Errorf("a year on, the expiry job ended %d call offers (%v)", n, err)
	}

	for _, f := range []struct {
		form  signups.CallForm
		field string
	}{{signups.CallForm{Outcome: "kanskje"}, "svar"}, {signups.CallForm{Outcome: signups.CallNoAnswer, Note: strings.Repeat("ø", 501)}, "notat"}} {
		var errs validate.Errors
		if _, err := s.RecordCall(ctx, a.OfferID, f.form, staff, now); !errors.As(err, &errs) || !errs.Has(f.field) {
			t.Errorf("%+v: %v, want an error on %s", f.form, err, f.field)
		}
	}
	if _, err := s.RecordCall(ctx, a.OfferID, signups.CallForm{Outcome: signups.CallNoAnswer, Note: " Svarer ikke, prøv kveld "}, staff, now); err != nil {
		t.Fatal(err)
	}
	list, _, _ = s.CallList(ctx, 25, 0, staff, now)
	if len(list) != 2 || len(list[0].Attempts) != 1 || !list[0].Attempts[0].Equal(now.Truncate(time.Microsecond)) || list[0].Note != "Svarer ikke, prøv kveld" {
		t.Fatalf("after no answer: %+v", list[0])
	}
	// The person's export holds the offer with what staff noted about calling them.
	x, err := s.ExportData(ctx, list[0].ParticipantID)
	if err != nil || len(x.Offers) != 1 || x.Offers[0].CallNote != "Svarer ikke, prøv kveld" || len(x.Offers[0].CallAttempts) != 1 ||
		x.Offers[0].Channel != signups.ByPhone || x.Offers[0].Deadline != nil {
		t.Errorf("export: %+v %v", x.Offers, err)
	}

	later := now.Add(2 * time.Hour)
	o, err := s.RecordCall(ctx, a.OfferID, signups.CallForm{Outcome: signups.CallThinking, Note: "Vil tenke til fredag"}, staff, later)
	if err != nil || !o.Deadline.Equal(later.Add(signups.OfferDays*24*time.Hour).Truncate(time.Microsecond)) || o.Status != signups.OfferPending {
		t.Fatalf("wants to think: %+v %v", o, err)
	}
	// The one who wants to think stays on the call list, now with the day to answer by, until
	// they answer or the offer expires: no link was ever sent, so staff call again.
	if list, total, _ = s.CallList(ctx, 25, 0, staff, later); total != 2 || list[0].OfferID != a.OfferID ||
		list[0].Deadline == nil || !list[0].Deadline.Equal(o.Deadline.Truncate(time.Microsecond)) || list[1].Deadline != nil {
		t.Errorf("the call list after 'wants to think': %d, %+v", total, list)
	}
	var errs validate.Errors
	if _, err := s.RecordCall(ctx, a.OfferID, signups.CallForm{Outcome: signups.CallThinking}, staff, later); !errors.As(err, &errs) || !errs.Has("svar") {
		t.Errorf("the clock started twice: %v", err)
	}
	if n, _ := signups.ExpireOffers(ctx, db, later.Add(signups.OfferDays*24*time.Hour-time.Minute)); n != 0 {
		t.Errorf("expired before its deadline: %d", n)
	}
	if n, _ := signups.ExpireOffers(ctx, db, later.Add(signups.OfferDays*24*time.Hour+time.Minute)); n != 1 {
		t.Errorf("not expired after its deadline: %d", n)
	}
	var status string
	db.QueryRow(ctx, `SELECT status FROM signups WHERE id = $1`, ola).Scan(&status)
	if status != signups.Waiting {
		t.Errorf("after the expiry: %s", status)
	}

	var views, calls int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity = 'call_list' AND actor_label = $2`, audit.PersonalDataViewed, staff.Label).Scan(&views)
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = $2 AND details->>'offer_id' = $3`, audit.OfferCalled, staff.Label, itoa(a.OfferID)).Scan(&calls)
	if views != 4 || calls != 2 {
		t.Errorf("%d views and %d calls in the audit log, want 4 and 2", views, calls)
	}
}

// The answers given on the phone take the person's own path: yes makes a member, "no thanks,
// wait" puts them back and never proposes the group again, "no thanks" takes them off the
// list. Each is audited with staff as the actor; a second answer, an unknown offer and a yes
// to a full group are refused and change nothing.
func TestPhoneAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, target := setup(t) // two places
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	var ids []int64
	var made []signups.MadeOffer
	for i, name := range []string{"Ola", "Liv", "Per", "Eva"} {
		ids = append(ids, signUpBy(t, db, target, name, "", "+479123456"+itoa(int64(i)), "phone", false))
		made = append(made, offer(t, s, ids[i], target.GroupID))
	}
	email := signUpBy(t, db, target, "Kari", "kari@example.org", "", "email", false)
	mailed := offer(t, s, email, target.GroupID)
	now := time.Now()

	if o, err := s.RecordCall(ctx, made[0].OfferID, signups.CallForm{Outcome: signups.CallAccepted, Note: "Gleder seg"}, staff, now); err != nil || o.Status != signups.OfferAccepted {
		t.Fatalf("yes: %+v %v", o, err)
	}
	if _, err := s.RecordCall(ctx, made[0].OfferID, signups.CallForm{Outcome: signups.CallDeclined}, staff, now); !errors.Is(err, signups.ErrOfferAnswered) {
		t.Errorf("answered twice: %v", err)
	}
	// An answer on the phone to an offer that went by mail, recorded from the list of offers.
	if _, err := s.RecordCall(ctx, mailed.OfferID, signups.CallForm{Outcome: signups.CallAccepted}, staff, now); err != nil {
		t.Fatal(err)
	}
	// The group is full now.
	if _, err := s.RecordCall(ctx, made[1].OfferID, signups.CallForm{Outcome: signups.CallAccepted, Note: "lost"}, staff, now); !errors.Is(err, signups.ErrFull) {
		t.Errorf("yes to a full group: %v", err)
	}
	var note string
	var called *time.Time
	db.QueryRow(ctx, `SELECT call_note, called_at FROM offers WHERE id = $1`, made[1].OfferID).Scan(&note, &called)
	if note != "" || called != nil {
		t.Errorf("a refused yes changed the offer: %q %v", note, called)
	}
	if _, err := s.RecordCall(ctx, made[1].OfferID, signups.CallForm{Outcome: signups.CallWaits}, staff, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCall(ctx, made[2].OfferID, signups.CallForm{Outcome: signups.CallDeclined}, staff, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordCall(ctx, 1<<40, signups.CallForm{Outcome: signups.CallAccepted}, staff, now); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("an unknown offer: %v", err)
	}

	want := map[int64]string{ids[0]: signups.Member, ids[1]: signups.Waiting, ids[2]: signups.Withdrawn, ids[3]: signups.Offered}
	for id, st := range want {
		var status string
		db.QueryRow(ctx, `SELECT status FROM signups WHERE id = $1`, id).Scan(&status)
		if status != st {
			t.Errorf("sign-up %d: %s, want %s", id, status, st)
		}
	}
	var members int
	var calledAt *time.Time
	db.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE group_id = $1 AND left_at IS NULL`, target.GroupID).Scan(&members)
	db.QueryRow(ctx, `SELECT call_note, called_at FROM offers WHERE id = $1`, made[0].OfferID).Scan(&note, &calledAt)
	if members != 2 || note != "Gleder seg" || calledAt == nil {
		t.Errorf("%d members; the yes kept %q, called at %v", members, note, calledAt)
	}
	people, _, err := s.Pool(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.ID == ids[1] && !slices.Equal(p.Declined, []int64{target.GroupID}) {
			t.Errorf("the one who waits for another declined %v", p.Declined)
		}
	}
	var outcomes []string
	rows, _ := db.Query(ctx, `SELECT details->>'outcome' FROM audit_log WHERE action = $1 AND actor_label = $2 ORDER BY id`, audit.OfferCalled, staff.Label)
	for rows.Next() {
		var o string
		rows.Scan(&o)
		outcomes = append(outcomes, o)
	}
	rows.Close()
	if !slices.Equal(outcomes, []string{"ja", "ja", "vent", "nei"}) {
		t.Errorf("audited outcomes %v", outcomes)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
