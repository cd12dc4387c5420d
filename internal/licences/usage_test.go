package licences_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// at is a local time in Oslo.
func at(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, tz.Oslo)
}

// usageRequest stores a request with exact times: decided is nil unless status is approved
// or declined. SQL: the use cases stamp a request at the time they run, and usage is counted
// over given months in the past.
func usageRequest(t *testing.T, db *pgxpool.Pool, orgID, groupID int64, status string, created time.Time, decided *time.Time) int64 {
	t.Helper()
	var id int64
	err := db.QueryRow(context.Background(), `INSERT INTO licence_requests (org_id, group_id, provider, period, purpose, participants,
			contact_name, contact_email, status, created_at, decided_at)
		VALUES (NULLIF($1, 0), NULLIF($2, 0), 'zoom', tstzrange($3::timestamptz, $3::timestamptz + interval '1 day'), 'Møter', 5, 'Kari', 'kari@example.test', $4, $3, $5)
		RETURNING id`, orgID, groupID, created, status, decided).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// usageLoan stores a loan of licence for [starts, ends), for the request's borrower (SQL, as
// usageRequest: returned and cancelled at given times in the past).
func usageLoan(t *testing.T, db *pgxpool.Pool, licenceID, requestID int64, starts, ends time.Time, returned, cancelled *time.Time) {
	t.Helper()
	_, err := db.Exec(context.Background(), `INSERT INTO licence_loans (licence_id, request_id, org_id, group_id, period, returned_at, cancelled_at)
		SELECT $1, q.id, q.org_id, q.group_id, tstzrange($3, $4), $5, $6 FROM licence_requests q WHERE q.id = $2`,
		licenceID, requestID, starts, ends, returned, cancelled)
	if err != nil {
		t.Fatal(err)
	}
}

func ptr(t time.Time) *time.Time { return &t }

// Must show: loan-days count the local days a loan touches inside the period, a loan
// crossing the start counts only its days inside, a loan returned early counts up to the
// day of its return, a cancelled loan counts nothing, and the shares are loan-days over the
// days each row could be lent. March 2026 has 31 days, and summer time starts on the 29th.
func TestUsage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	zoom1, zoom2 := licence(t, s, "Zoom 1", "x", "100"), licence(t, s, "Zoom 2", "x", "100")
	retired := licence(t, s, "Zoom gammel", "x", "100")
	wf := licences.Form{Provider: licences.Whereby, Label: "Whereby 1", MaxParticipants: "12", AccountLogin: "w@example.test", Secret: "x"}
	if errs := wf.Validate(true); !errs.OK() {
		t.Fatal(errs)
	}
	whereby, err := s.Create(ctx, wf)
	if err != nil {
		t.Fatal(err)
	}
	alfa := org(t, db, "Alfa")
	beta := groupNamed(t, db, "Beta", func(f *groups.Form) { f.Format = groups.FormatDigital })

	// Requests: r2, r3 and r4 are decided in March after 2, 10 and 50 hours; r1 and r5 are
	// decided outside it; r6 (in March) and r8 (before) wait; r7 was withdrawn.
	r1 := usageRequest(t, db, alfa, 0, licences.Approved, at(2, 10, 10), ptr(at(2, 11, 10)))
	r2 := usageRequest(t, db, 0, beta, licences.Approved, at(3, 2, 8), ptr(at(3, 2, 10)))
	r3 := usageRequest(t, db, 0, beta, licences.Approved, at(3, 3, 9), ptr(at(3, 3, 19)))
	r4 := usageRequest(t, db, alfa, 0, licences.Approved, at(3, 20, 12), ptr(at(3, 22, 14)))
	r5 := usageRequest(t, db, 0, beta, licences.Approved, at(3, 30, 12), ptr(at(4, 1, 12)))
	usageRequest(t, db, alfa, 0, licences.Pending, at(3, 31, 10), nil)
	usageRequest(t, db, alfa, 0, licences.Withdrawn, at(1, 5, 10), nil)
	usageRequest(t, db, 0, beta, licences.Pending, at(2, 1, 10), nil)

	// Zoom 1 to Alfa from 20 February to 5 March: 1–5 March count, 5 days.
	usageLoan(t, db, zoom1, r1, at(2, 20, 0), at(3, 6, 0), nil, nil)
	// Whereby 1 to Beta for 1–19 March, cancelled: nothing.
	usageLoan(t, db, whereby, r2, at(3, 1, 0), at(3, 20, 0), nil, ptr(at(2, 25, 12)))
	// Zoom 1 to Beta for 10–24 March, returned at noon on the 14th: 10–14 March, 5 days.
	usageLoan(t, db, zoom1, r3, at(3, 10, 0), at(3, 14, 12), ptr(at(3, 14, 12)), nil)
	// Whereby 1 to Alfa from 28 March to 2 April, across summer time: 28–31 March, 4 days.
	usageLoan(t, db, whereby, r4, at(3, 28, 0), at(4, 3, 0), nil, nil)
	// Whereby 1 to Beta in April: nothing.
	usageLoan(t, db, whereby, r5, at(4, 5, 0), at(4, 10, 0), nil, nil)
	// Whereby 1 and the never-lent "Zoom gammel" are retired: only the first was lent in March.
	if _, err := db.Exec(ctx, `UPDATE licences SET status = 'retired' WHERE id IN ($1, $2)`, whereby, retired); err != nil {
		t.Fatal(err)
	}
	_ = zoom2

	u, err := licences.ReadUsage(ctx, db, at(3, 1, 0), at(3, 31, 0))
	if err != nil {
		t.Fatal(err)
	}
	wantLicences := []licences.UsageRow{
		{Key: "Zoom 1", Provider: "zoom", LoanDays: 10, Days: 31, Share: 10.0 / 31},
		{Key: "Whereby 1", Provider: "whereby", LoanDays: 4, Days: 31, Share: 4.0 / 31},
		{Key: "Zoom 2", Provider: "zoom", LoanDays: 0, Days: 31, Share: 0},
	}
	if !reflect.DeepEqual(u.PerLicence, wantLicences) {
		t.Errorf("per licence:\n got %+v\nwant %+v", u.PerLicence, wantLicences)
	}
	// Zoom has two licences (the retired one was not lent), Whereby one.
	wantProviders := []licences.UsageRow{
		{Key: "zoom", Provider: "zoom", LoanDays: 10, Days: 62, Share: 10.0 / 62},
		{Key: "whereby", Provider: "whereby", LoanDays: 4, Days: 31, Share: 4.0 / 31},
	}
	if !reflect.DeepEqual(u.PerProvider, wantProviders) {
		t.Errorf("per provider:\n got %+v\nwant %+v", u.PerProvider, wantProviders)
	}
	wantBorrowers := []licences.UsageRow{{Key: "Alfa", LoanDays: 9}, {Key: "Beta", LoanDays: 5}}
	if !reflect.DeepEqual(u.PerBorrower, wantBorrowers) {
		t.Errorf("per borrower:\n got %+v\nwant %+v", u.PerBorrower, wantBorrowers)
	}
	if u.Requests != 5 || u.Decided != 3 || u.MedianWaitHours != 10 || u.Waiting != 2 {
		t.Errorf("requests %d, decided %d, median wait %v h, waiting %d; want 5, 3, 10, 2", u.Requests, u.Decided, u.MedianWaitHours, u.Waiting)
	}
	if !u.From.Equal(at(3, 1, 0)) || !u.To.Equal(at(3, 31, 0)) {
		t.Errorf("period %v – %v", u.From, u.To)
	}

	// One day, the 14th: Zoom 1 was lent until noon, which counts the day.
	day, err := licences.ReadUsage(ctx, db, at(3, 14, 15), at(3, 14, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got := day.PerLicence[0]; got != (licences.UsageRow{Key: "Zoom 1", Provider: "zoom", LoanDays: 1, Days: 1, Share: 1}) {
		t.Errorf("the 14th: %+v", got)
	}
	if day.Decided != 0 || day.MedianWaitHours != 0 {
		t.Errorf("the 14th: %d decided, median %v", day.Decided, day.MedianWaitHours)
	}

	if _, err := licences.ReadUsage(ctx, db, at(3, 2, 0), at(3, 1, 0)); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("a period ending before it begins: %v", err)
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	from, to, errs := licences.ParsePeriod("2026-03-01", "2026-03-31")
	if !errs.OK() || !from.Equal(at(3, 1, 0)) || !to.Equal(at(3, 31, 0)) {
		t.Fatalf("valid period: %v %v %v", from, to, errs)
	}
	for _, c := range []struct {
		from, to, field, msg string
	}{
		{"", "2026-03-31", "fra", "usage.from.invalid"},
		{"2026-02-30", "2026-03-31", "fra", "usage.from.invalid"},
		{"2026-03-01", "31/03/2026", "til", "usage.to.invalid"},
		{"2026-03-02", "2026-03-01", "til", "usage.to.order"},
		{"2026-03-01", "2031-03-01", "til", "usage.tooLong"},
	} {
		_, _, errs := licences.ParsePeriod(c.from, c.to)
		if e, found := errs.Get(c.field); !found || e.Msg != c.msg || len(errs) != 1 {
			t.Errorf("%q–%q: %v", c.from, c.to, errs)
		}
	}
	if _, _, errs := licences.ParsePeriod("2026-03-01", "2031-02-28"); !errs.OK() {
		t.Errorf("just under five years: %v", errs)
	}
}
