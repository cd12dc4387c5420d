package keys_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/keys"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// A key due back on a day is overdue from midnight in Oslo, not midnight UTC: an hour or two
// apart, in summer and in winter.
func TestOverdueAcrossMidnightInOslo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		due            string
		before, after  time.Time // just before and just after midnight in Oslo, both on the due day in UTC
		beforeOverdue  bool
		afterOverdue   bool
		utcDateOfAfter int
	}{
		{"summer", "2026-06-10", oslo(2026, 6, 10, 23, 30), oslo(2026, 6, 11, 0, 30), false, true, 10},
		{"winter", "2026-01-15", oslo(2026, 1, 15, 23, 59), oslo(2026, 1, 16, 0, 10), false, true, 15},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			k := f.key(t, "N-01", f.bjork)
			f.key(t, "N-02", f.furu) // in the house: never overdue
			lentAt := c.before.AddDate(0, 0, -3)
			f.lend(t, k, keys.LoanForm{HolderName: "Kari", Due: c.due}, lentAt)
			if c.after.UTC().Day() != c.utcDateOfAfter {
				t.Fatalf("the case does not cross midnight in Oslo only: %v", c.after.UTC())
			}
			for _, at := range []struct {
				now  time.Time
				want bool
			}{{c.before, c.beforeOverdue}, {c.after, c.afterOverdue}} {
				counts, err := f.s.Counts(ctx, at.now)
				if err != nil {
					t.Fatal(err)
				}
				list, err := f.s.List(ctx, keys.ShowOverdue, at.now, 25, 0)
				if err != nil {
					t.Fatal(err)
				}
				wantN := 0
				if at.want {
					wantN = 1
				}
				if counts.Overdue != wantN || len(list) != wantN || counts.All != 2 || counts.Out != 1 {
					t.Errorf("at %v: counts %+v, %d listed; want %d overdue of 2 keys, 1 out", at.now, counts, len(list), wantN)
				}
				if got, _ := f.s.Get(ctx, k.ID); got.Loan.Overdue(at.now) != at.want {
					t.Errorf("at %v: Loan.Overdue = %v, want %v", at.now, !at.want, at.want)
				}
			}
		})
	}
}

// A key lent for a standing agreement shows up once the agreement's last active meeting has
// ended, and one whose meetings are all cancelled too; a running agreement and a key without
// an agreement do not.
func TestOutAfterAgreementEnded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	yesterday, nextWeek := now.AddDate(0, 0, -1), now.AddDate(0, 0, 7)
	ended := f.agreement(t, "Angstgruppa høst", true, yesterday.Add(-2*time.Hour), yesterday, false)
	running := f.agreement(t, "Sorggruppa", true, nextWeek, nextWeek.Add(2*time.Hour), false)
	cancelled := f.agreement(t, "Avlyst avtale", true, nextWeek.Add(24*time.Hour), nextWeek.Add(26*time.Hour), true)
	once := f.agreement(t, "Enkeltmøte", false, nextWeek.Add(48*time.Hour), nextWeek.Add(50*time.Hour), false)

	a, b, c, d := f.key(t, "A", f.bjork), f.key(t, "B", f.bjork), f.key(t, "C", f.bjork), f.key(t, "D", f.bjork)
	f.lend(t, a, keys.LoanForm{HolderName: "Kari", BookingID: ended}, now.AddDate(0, -2, 0))
	f.lend(t, b, keys.LoanForm{HolderName: "Per", BookingID: running}, now.AddDate(0, -2, 0))
	f.lend(t, c, keys.LoanForm{HolderName: "Ola"}, now.AddDate(0, -2, 0))
	f.lend(t, d, keys.LoanForm{HolderName: "Eva", BookingID: cancelled}, now.AddDate(0, -2, 0))
	f.key(t, "E", f.bjork)

	counts, err := f.s.Counts(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.s.List(ctx, keys.ShowAfterAgreement, now, 25, 0)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, k := range list {
		labels = append(labels, k.Label)
		if !k.Loan.AfterAgreement(now) {
			t.Errorf("%s is listed, but Loan.AfterAgreement is false", k.Label)
		}
	}
	if counts.AfterAgreement != 2 || !slices.Equal(labels, []string{"A", "D"}) || counts.Out != 4 || counts.All != 5 {
		t.Errorf("counts %+v, listed %v; want A and D of 4 out and 5 in all", counts, labels)
	}
	if got, _ := f.s.Get(ctx, a.ID); got.Loan.Agreement != "Angstgruppa høst" || got.Loan.AgreementEnds == nil ||
		!got.Loan.AgreementEnds.Equal(yesterday.Truncate(time.Microsecond)) {
		t.Errorf("the loan's agreement: %q ends %v", got.Loan.Agreement, got.Loan.AgreementEnds)
	}
	if got, _ := f.s.Get(ctx, b.ID); got.Loan.AfterAgreement(now) || !got.Loan.AfterAgreement(nextWeek.Add(3*time.Hour)) {
		t.Error("the running agreement's key is flagged now, or not once it has ended")
	}

	options, err := f.s.Agreements(ctx, now)
	if err != nil || len(options) != 1 || options[0].ID != running || options[0].Room != "Bjørkerommet" {
		t.Errorf("agreements to choose = %+v, %v; want only the running standing one", options, err)
	}
	e, _ := f.s.List(ctx, keys.ShowAll, now, 25, 0)
	free := e[len(e)-1]
	if _, err := f.s.HandOut(ctx, free.ID, keys.LoanForm{HolderName: "Kari", BookingID: once}, f.staff, now); fieldError(err, "agreement") != "keys.agreement.invalid" {
		t.Errorf("a booking that is not a standing agreement: %v", err)
	}
	if _, err := f.s.HandOut(ctx, free.ID, keys.LoanForm{HolderName: "Kari", BookingID: 999999}, f.staff, now); fieldError(err, "agreement") != "keys.agreement.invalid" {
		t.Errorf("an unknown agreement: %v", err)
	}
}

// countingDB counts the queries a store sends.
type countingDB struct {
	postgres.DBTX
	n int
}

func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n++
	return c.DBTX.Query(ctx, sql, args...)
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n++
	return c.DBTX.QueryRow(ctx, sql, args...)
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.n++
	return c.DBTX.Exec(ctx, sql, args...)
}

// A page of keys costs two queries, for two keys or twenty-five, each out with two rooms; the
// counts one more; the yearly list three.
func TestListHasNoQueryPerKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	queries := func(want int) int {
		c := &countingDB{DBTX: f.db}
		s := keys.NewStore(c)
		list, err := s.List(ctx, keys.ShowOut, now, 25, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != want {
			t.Fatalf("%d keys listed, want %d", len(list), want)
		}
		for _, k := range list {
			if len(k.Rooms) != 2 || k.Loan == nil {
				t.Errorf("%s: %d rooms, loan %v", k.Label, len(k.Rooms), k.Loan)
			}
		}
		if _, err := s.Counts(ctx, now); err != nil {
			t.Fatal(err)
		}
		return c.n
	}
	made := 0
	add := func(n int) {
		for range n {
			made++
			k := f.key(t, "K-"+strconv.Itoa(made), f.bjork, f.furu)
			f.lend(t, k, keys.LoanForm{HolderName: "Holder"}, now)
		}
	}
	add(2)
	few := queries(2)
	add(28)
	if many := queries(25); few != 3 || many != 3 {
		t.Errorf("queries for a page of 2 keys: %d, of 25: %d; want 3 and 3", few, many)
	}
	c := &countingDB{DBTX: f.db}
	if y, err := keys.NewStore(c).Audit(ctx, keys.Today(now).Year()); err != nil || c.n != 3 || len(y.Keys) != 30 {
		t.Errorf("yearly list of 30 keys: %d queries, %d keys (%v); want 3 and 30", c.n, len(y.Keys), err)
	}
}

// The yearly list has every key with where it is now, and the loans that were out at some
// time in the year: lent before and returned in it, lent in it, still out.
func TestAuditYear(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, b, c := f.key(t, "A", f.bjork), f.key(t, "B", f.furu), f.key(t, "C", f.linde)
	f.lend(t, a, keys.LoanForm{HolderName: "Gammel 2025"}, oslo(2025, 3, 1, 12, 0))
	mustReturn(t, f, a, oslo(2025, 5, 1, 12, 0))
	f.lend(t, a, keys.LoanForm{HolderName: "Over nyttår"}, oslo(2025, 12, 20, 12, 0))
	mustReturn(t, f, a, oslo(2026, 1, 5, 12, 0))
	f.lend(t, b, keys.LoanForm{HolderName: "Ute nå"}, oslo(2026, 2, 1, 12, 0))
	f.lend(t, c, keys.LoanForm{HolderName: "Neste år"}, oslo(2027, 1, 1, 0, 30))

	y, err := f.s.Audit(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, k := range y.Keys {
		got[k.Label] = []string{}
		for _, l := range k.Loans {
			got[k.Label] = append(got[k.Label], l.HolderName)
		}
	}
	want := map[string][]string{"A": {"Over nyttår"}, "B": {"Ute nå"}, "C": {}}
	if len(got) != 3 || y.Truncated {
		t.Fatalf("keys in the 2026 list: %v (truncated %v)", got, y.Truncated)
	}
	for label, holders := range want {
		if !slices.Equal(got[label], holders) {
			t.Errorf("%s: loans of 2026 by %v, want %v", label, got[label], holders)
		}
	}
	if y.Keys[1].Loan == nil || y.Keys[1].Loan.HolderName != "Ute nå" || y.Keys[0].Loan != nil {
		t.Errorf("where the keys are now: A %v, B %v", y.Keys[0].Loan, y.Keys[1].Loan)
	}
	if y25, _ := f.s.Audit(ctx, 2025); len(y25.Keys[0].Loans) != 2 {
		t.Errorf("A had %d loans in 2025, want 2", len(y25.Keys[0].Loans))
	}
}

func mustReturn(t *testing.T, f *env, k keys.Key, at time.Time) {
	t.Helper()
	if _, err := f.s.Return(context.Background(), k.ID, f.staff, at); err != nil {
		t.Fatal(err)
	}
}
