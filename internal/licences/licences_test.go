package licences_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

var (
	secretA = []byte("licence test secret A of 32 byte")
	secretB = []byte("licence test secret B of 32 byte")
)

func ring(t testing.TB, current []byte, previous ...[]byte) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKeyring("licence", current, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// org makes a voluntary partner organisation named name.
func org(t testing.TB, db *pgxpool.Pool, name string) int64 {
	t.Helper()
	return fixture.New(t, db).Org(name).ID
}

// groupNamed makes a group named name that meets on Mondays 18:00–19:30; edit changes its form.
func groupNamed(t testing.TB, db *pgxpool.Pool, name string, edit ...func(*groups.Form)) int64 {
	t.Helper()
	opts := []fixture.GroupOption{fixture.Named(name), fixture.Meets(1, "18:00", "19:30")}
	for _, e := range edit {
		opts = append(opts, fixture.Form(e))
	}
	return fixture.New(t, db).Group(opts...).ID
}

// staff is who decides, returns and reveals in these tests: no user, as a command would.
var staff = audit.Actor{Label: "test"}

// store is a Store on db with keys ring and an outbox on db.
func store(t testing.TB, db *pgxpool.Pool, ring *secrets.Keyring) *licences.Store {
	t.Helper()
	return licences.NewStore(db, ring, mailtest.Outbox(t, db))
}

func licence(t testing.TB, s *licences.Store, label, secret string, seats string) int64 {
	t.Helper()
	f := licences.Form{Provider: licences.Zoom, Label: label, MaxParticipants: seats, MaxMinutes: "40", AccountLogin: label + "@example.test", Secret: secret}
	id, err := s.Create(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// request makes a request for days first..last from today; the licences that take its
// participants must exist.
func request(t testing.TB, s *licences.Store, who licences.Requester, first, last, participants int) int64 {
	t.Helper()
	today := tz.Midnight(time.Now())
	f := licences.RequestForm{Provider: licences.Zoom, First: today.AddDate(0, 0, first).Format(time.DateOnly),
		Last: today.AddDate(0, 0, last).Format(time.DateOnly), Purpose: "Digitale møter", Participants: itoa(participants), MeetingMinutes: "40",
		ContactName: "Kari", ContactEmail: "kari@example.test"}
	id, err := s.Request(context.Background(), who, f, 6, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int) string {
	return string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

// Must show: the credentials column holds no plaintext, and a rotation seals it again under
// the new key without changing what it opens to.
func TestCredentialsAreSealedAndRotate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	id := licence(t, s, "Zoom 1", "Sup3r-hemmelig", "100")
	var raw []byte
	var keyID string
	db.QueryRow(ctx, `SELECT secret, key_id FROM licences WHERE id = $1`, id).Scan(&raw, &keyID)
	if len(raw) < 20 || bytes.Contains(raw, []byte("Sup3r")) || keyID != ring(t, secretA).Current() {
		t.Fatalf("stored secret %x under %s", raw, keyID)
	}
	if got, err := s.RevealForStaff(ctx, id, staff); err != nil || got != "Sup3r-hemmelig" {
		t.Fatalf("secret = %q %v", got, err)
	}
	// A secret moved to another row does not open there.
	other := licence(t, s, "Zoom 2", "annet", "100")
	db.Exec(ctx, `UPDATE licences SET secret = $1 WHERE id = $2`, raw, other)
	if _, err := s.RevealForStaff(ctx, other, staff); !errors.Is(err, secrets.ErrDamaged) {
		t.Errorf("a copied secret opened: %v", err)
	}
	db.Exec(ctx, `DELETE FROM licences WHERE id = $1`, other)

	// New SECRET_KEY, the old one listed as previous: it still opens; rotate-key moves it.
	both := ring(t, secretB, secretA)
	rotated := store(t, db, both)
	if got, err := rotated.RevealForStaff(ctx, id, staff); err != nil || got != "Sup3r-hemmelig" {
		t.Fatalf("secret under the previous key = %q %v", got, err)
	}
	if n, err := licences.Rotate(ctx, db, both); err != nil || n != 1 {
		t.Fatalf("rotate: %d %v", n, err)
	}
	if n, err := licences.Rotate(ctx, db, both); err != nil || n != 0 {
		t.Errorf("a second rotation changed %d, %v", n, err)
	}
	onlyNew := store(t, db, ring(t, secretB))
	if got, err := onlyNew.RevealForStaff(ctx, id, staff); err != nil || got != "Sup3r-hemmelig" {
		t.Errorf("after the rotation, without the old key: %q %v", got, err)
	}
	if _, err := store(t, db, ring(t, secretA)).RevealForStaff(ctx, id, staff); !errors.Is(err, secrets.ErrUnknownKey) {
		t.Errorf("the old key alone: %v", err)
	}
}

// Must show: 100 concurrent approvals that lend one licence for overlapping periods leave
// exactly one active loan; the others are told the licence is taken.
func TestConcurrentApprovalsLendOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	lic := licence(t, s, "Zoom 1", "x", "100")
	who := licences.Requester{OrgID: org(t, db, "Org"), Lang: "nb"}
	ids := make([]int64, 100)
	for i := range ids {
		ids[i] = request(t, s, who, 1+i%5, 10+i%7, 10)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	lent, taken := 0, 0
	for _, id := range ids {
		wg.Go(func() {
			_, _, err := s.Decide(ctx, id, licences.Decision{Approve: true, Licence: lic}, staff)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				lent++
			case errors.Is(err, licences.ErrTaken) && errors.Is(err, postgres.ErrConflict):
				taken++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var loans int
	db.QueryRow(ctx, `SELECT count(*) FROM licence_loans WHERE cancelled_at IS NULL`).Scan(&loans)
	if lent != 1 || taken != 99 || loans != 1 {
		t.Errorf("%d lent, %d taken, %d loans", lent, taken, loans)
	}
	var pending int
	db.QueryRow(ctx, `SELECT count(*) FROM licence_requests WHERE status = 'pending'`).Scan(&pending)
	if pending != 99 {
		t.Errorf("%d requests still wait, want 99", pending)
	}
}

// Requests and loans are scoped to the borrower; options suggest the free licence first; the
// borrower sees the credentials only during the loan and not after a return until staff
// change the password.
func TestLoanLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	small, big := licence(t, s, "Zoom liten", "liten-hemmelig", "10"), licence(t, s, "Zoom stor", "stor-hemmelig", "100")
	a := licences.Requester{OrgID: org(t, db, "A"), Lang: "nb"}
	b := licences.Requester{OrgID: org(t, db, "B"), Lang: "nb"}

	// B borrows the big licence from today for two weeks.
	bReq := request(t, s, b, 0, 13, 50)
	if _, _, err := s.Decide(ctx, bReq, licences.Decision{Approve: true, Licence: small}, staff); !errors.Is(err, licences.ErrUnsuitable) {
		t.Errorf("lend a licence too small: %v", err)
	}
	_, bLoan, err := s.Decide(ctx, bReq, licences.Decision{Approve: true, Licence: big}, staff)
	if err != nil || bLoan.Borrower != "B" || bLoan.Label != "Zoom stor" {
		t.Fatalf("lend to B: %+v %v", bLoan, err)
	}
	// A asks for 8 people over days 5–20: the small one is free, the big one frees up after day 13.
	aReq := request(t, s, a, 5, 20, 8)
	q, err := s.GetRequest(ctx, &a, aReq)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := s.Options(ctx, q)
	if err != nil || len(opts) != 2 || opts[0].ID != small || !opts[0].Free || opts[1].Free || opts[1].FreeFrom == nil ||
		!opts[1].FreeFrom.Equal(tz.Midnight(time.Now()).AddDate(0, 0, 14)) {
		t.Fatalf("options: %+v %v", opts, err)
	}
	if _, err := s.GetRequest(ctx, &b, aReq); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("B reads A's request: %v", err)
	}
	if _, _, err := s.RevealForBorrower(ctx, a, bLoan.ID, staff, time.Now()); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("A reveals B's loan: %v", err)
	}
	if err := s.Withdraw(ctx, b, aReq); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("B withdraws A's request: %v", err)
	}
	if list, total, err := s.Loans(ctx, &a, licences.LoansAll, time.Now(), 10, 0); err != nil || total != 0 || len(list) != 0 {
		t.Errorf("A's loans before approval: %d %v", total, err)
	}

	// B reveals during the loan; not before it began.
	if _, secret, err := s.RevealForBorrower(ctx, b, bLoan.ID, staff, time.Now()); err != nil || secret != "stor-hemmelig" {
		t.Errorf("B reveals: %q %v", secret, err)
	}
	if _, _, err := s.RevealForBorrower(ctx, b, bLoan.ID, staff, time.Now().AddDate(0, 0, -1)); !errors.Is(err, licences.ErrNotNow) {
		t.Errorf("reveal before the loan: %v", err)
	}
	// Returned: the licence waits for a new password; the days after today are free.
	n, err := s.Return(ctx, bLoan.ID, staff, time.Now())
	if err != nil || n.ReturnedAt == nil || !n.Ends.Equal(tz.Midnight(time.Now()).AddDate(0, 0, 1)) {
		t.Fatalf("return: %+v %v", n, err)
	}
	if _, _, err := s.RevealForBorrower(ctx, b, bLoan.ID, staff, time.Now()); !errors.Is(err, licences.ErrNotNow) {
		t.Errorf("reveal after the return: %v", err)
	}
	_, aLoan, err := s.Decide(ctx, aReq, licences.Decision{Approve: true, Licence: big}, staff)
	if err != nil {
		t.Fatalf("lend the returned licence for the rest of the period: %v", err)
	}
	if _, _, err := s.RevealForBorrower(ctx, a, aLoan.ID, staff, time.Now().AddDate(0, 0, 6)); !errors.Is(err, licences.ErrPasswordChange) {
		t.Errorf("reveal before the password change: %v", err)
	}
	l, _ := s.Get(ctx, big)
	f := licences.FormOf(l)
	f.Secret = "nytt-passord"
	if err := s.Update(ctx, big, f, staff); err != nil {
		t.Fatal(err)
	}
	if _, secret, err := s.RevealForBorrower(ctx, a, aLoan.ID, staff, time.Now().AddDate(0, 0, 6)); err != nil || secret != "nytt-passord" {
		t.Errorf("reveal after the password change: %q %v", secret, err)
	}
	if list, total, err := s.Loans(ctx, &a, licences.LoansOpen, time.Now(), 10, 0); err != nil || total != 1 || list[0].ID != aLoan.ID {
		t.Errorf("A's open loans: %d %v", total, err)
	}
	if list, total, err := s.Loans(ctx, nil, licences.LoansOverdue, time.Now().AddDate(0, 1, 0), 10, 0); err != nil || total != 1 || list[0].ID != aLoan.ID {
		t.Errorf("overdue in a month: %d %v", total, err)
	}
	// A return before the loan begins cancels it.
	cReq := request(t, s, a, 30, 40, 5)
	_, cLoan, _ := s.Decide(ctx, cReq, licences.Decision{Approve: true, Licence: small}, staff)
	if n, err := s.Return(ctx, cLoan.ID, staff, time.Now()); err != nil || n.CancelledAt == nil || n.ReturnedAt != nil {
		t.Errorf("return before the start: %+v %v", n, err)
	}
	if l, _ := s.Get(ctx, small); l.PasswordChangeDue {
		t.Error("a loan cancelled before it began asks for a password change")
	}
	// Declining needs no licence and keeps the reason.
	dReq := request(t, s, a, 1, 2, 5)
	if q, _, err := s.Decide(ctx, dReq, licences.Decision{Reason: "Alle er utlånt."}, staff); err != nil || q.Status != licences.Declined || q.Reason != "Alle er utlånt." {
		t.Errorf("decline: %+v %v", q, err)
	}
	if _, _, err := s.Decide(ctx, dReq, licences.Decision{Approve: true, Licence: small}, staff); !errors.Is(err, licences.ErrDecided) {
		t.Errorf("decide twice: %v", err)
	}
}

func TestRequestValidation(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, tz.Oslo)
	limits := licences.Limits{Today: today, MaxMonths: 6, MaxSeats: map[string]int{licences.Zoom: 100, licences.Whereby: 12}}
	ok := licences.RequestForm{Provider: "whereby", First: "2026-12-01", Last: "2027-05-31", Purpose: "Samtalegruppe", Participants: "12", MeetingMinutes: "90",
		ContactName: "Kari", ContactEmail: "kari@example.test", ContactPhone: "400 00 000"}
	if errs := ok.Validate(limits); !errs.OK() || ok.ContactPhone != "+4740000000" {
		t.Fatalf("valid request: %v", errs)
	}
	for _, c := range []struct {
		name  string
		edit  func(*licences.RequestForm)
		field string
		msg   string
	}{
		{"no provider", func(f *licences.RequestForm) { f.Provider = "teams" }, "provider", "licences.provider.required"},
		{"in the past", func(f *licences.RequestForm) { f.First = "2026-11-22" }, "first", "request.date.past"},
		{"end before start", func(f *licences.RequestForm) { f.Last = "2026-11-30" }, "last", "loans.last.order"},
		{"too long", func(f *licences.RequestForm) { f.Last = "2027-06-01" }, "last", "loans.last.tooLong"},
		{"too many", func(f *licences.RequestForm) { f.Participants = "13" }, "participants", "loans.participants.tooMany"},
		{"not a number", func(f *licences.RequestForm) { f.Participants = "mange" }, "participants", "loans.participants.invalid"},
		{"no purpose", func(f *licences.RequestForm) { f.Purpose = " " }, "purpose", "loans.purpose.required"},
		{"bad year", func(f *licences.RequestForm) { f.First = "0000-01-01" }, "first", "rooms.date.required"},
	} {
		f := ok
		c.edit(&f)
		errs := f.Validate(limits)
		if e, found := errs.Get(c.field); !found || e.Msg != c.msg {
			t.Errorf("%s: %v", c.name, errs)
		}
	}
}

// A loan that ended without being marked returned keeps its licence from being lent again
// (its password may still be in use); a return frees the days after today only; a request
// whose period is over cannot be approved; old requests lose their personal data.
func TestLendingAfterALoanEnds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	lic := licence(t, s, "Zoom 1", "x", "100")
	who := licences.Requester{OrgID: org(t, db, "Org"), Lang: "nb"}
	first := request(t, s, who, 0, 3, 5)
	_, loan, err := s.Decide(ctx, first, licences.Decision{Approve: true, Licence: lic}, staff)
	if err != nil {
		t.Fatal(err)
	}
	// The loan ended a week ago and nobody marked it returned.
	db.Exec(ctx, `UPDATE licence_loans SET period = tstzrange(now() - interval '20 days', now() - interval '7 days') WHERE id = $1`, loan.ID)
	next := request(t, s, who, 1, 5, 5)
	q, _ := s.GetRequest(ctx, nil, next)
	if opts, err := s.Options(ctx, q); err != nil || len(opts) != 1 || opts[0].Free {
		t.Errorf("an unreturned licence offered as free: %+v %v", opts, err)
	}
	if _, _, err := s.Decide(ctx, next, licences.Decision{Approve: true, Licence: lic}, staff); !errors.Is(err, licences.ErrNotReturned) {
		t.Fatalf("lend an unreturned licence: %v", err)
	}
	if _, err := s.Return(ctx, loan.ID, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Decide(ctx, next, licences.Decision{Approve: true, Licence: lic}, staff); err != nil {
		t.Errorf("lend after the return: %v", err)
	}

	// Returned today: today stays the borrower's, tomorrow is free.
	other := licence(t, s, "Zoom 2", "y", "100")
	running := request(t, s, who, 0, 10, 5)
	_, loan, _ = s.Decide(ctx, running, licences.Decision{Approve: true, Licence: other}, staff)
	n, err := s.Return(ctx, loan.ID, staff, time.Now())
	if err != nil || !n.Ends.Equal(tz.Midnight(time.Now()).AddDate(0, 0, 1)) {
		t.Fatalf("return: ends %v, %v", n.Ends, err)
	}
	sameDay := request(t, s, who, 0, 2, 5)
	if _, _, err := s.Decide(ctx, sameDay, licences.Decision{Approve: true, Licence: other}, staff); !errors.Is(err, licences.ErrTaken) {
		t.Errorf("lend the returned licence again the same day: %v", err)
	}
	tomorrow := request(t, s, who, 1, 2, 5)
	if _, _, err := s.Decide(ctx, tomorrow, licences.Decision{Approve: true, Licence: other}, staff); err != nil {
		t.Errorf("lend it from tomorrow: %v", err)
	}

	over := request(t, s, who, 3, 4, 5)
	db.Exec(ctx, `UPDATE licence_requests SET period = tstzrange(now() - interval '3 days', now() - interval '1 day') WHERE id = $1`, over)
	third := licence(t, s, "Zoom 3", "z", "100")
	if _, _, err := s.Decide(ctx, over, licences.Decision{Approve: true, Licence: third}, staff); !errors.Is(err, licences.ErrPast) {
		t.Errorf("approve a period that is over: %v", err)
	}

	// Retention: a year later the declined request is gone and the approved ones are anonymous.
	declined := request(t, s, who, 1, 2, 5)
	if _, _, err := s.Decide(ctx, declined, licences.Decision{Reason: "Nei."}, staff); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE licence_requests SET created_at = now() - interval '2 years',
		decided_at = CASE WHEN decided_at IS NOT NULL THEN now() - interval '2 years' END`); err != nil {
		t.Fatal(err)
	}
	db.Exec(ctx, `UPDATE licence_loans SET period = tstzrange(lower(period) - interval '2 years', upper(period) - interval '2 years')`)
	if n, err := licences.PurgeRequests(ctx, db, 12); err != nil || n == 0 {
		t.Fatalf("purge: %d %v", n, err)
	}
	var left, named int
	db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE contact_email <> 'slettet') FROM licence_requests`).Scan(&left, &named)
	if named != 2 { // the two pending requests keep their contact until they are answered
		t.Errorf("%d requests still name their contact, want 2", named)
	}
	var gone int
	db.QueryRow(ctx, `SELECT count(*) FROM licence_requests WHERE id = $1`, declined).Scan(&gone)
	if gone != 0 {
		t.Error("the old declined request was kept")
	}
}

func TestMaxPeriodAtTheEndOfAMonth(t *testing.T) {
	t.Parallel()
	limits := licences.Limits{Today: time.Date(2026, 8, 1, 0, 0, 0, 0, tz.Oslo), MaxMonths: 6, MaxSeats: map[string]int{licences.Zoom: 100}}
	f := licences.RequestForm{Provider: "zoom", First: "2026-08-31", Last: "2027-02-27", Purpose: "x", Participants: "5", ContactName: "K", ContactEmail: "k@example.test"}
	if errs := f.Validate(limits); errs.Has("last") {
		t.Errorf("31 August to 27 February refused: %v", errs)
	}
	f.Last = "2027-03-01"
	if errs := f.Validate(limits); !errs.Has("last") {
		t.Error("31 August to 1 March (past six months; adding months naively gives 3 March) accepted")
	}
}
