package licences

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// MaxUsageYears is the longest period the utilisation figures cover at once.
const MaxUsageYears = 5

// UsageRow is the utilisation of one licence, one provider or one borrower over a period.
type UsageRow struct {
	Key      string // the licence's label, the provider, or the organisation's or group's name ("" when the group is deleted)
	Provider string // the licence's or the provider row's provider; "" for a borrower
	LoanDays int    // local days lent (a loan covering part of a day counts that day)
	// Days are the days the row could be lent: for a licence the days of the period (every
	// licence counts as available every day); for a provider those days times its licences
	// that are active or were lent in the period; for a borrower 0.
	Days  int
	Share float64 // LoanDays/Days; 0 when Days is 0
}

// Usage is how much the licences were lent over a period, and how long requests waited.
type Usage struct {
	From, To    time.Time // local midnights of the first and the last day
	Days        int       // days in the period
	PerLicence  []UsageRow
	PerProvider []UsageRow
	PerBorrower []UsageRow
	// PerFunder sums the licences' loan-days by who paid for them (licences.funding; "" when
	// not recorded), most first: the funders ask for the use of what they paid for.
	PerFunder []UsageRow
	Requests  int // requests received in the period
	Decided   int // requests approved or declined in the period
	// MedianWaitHours is the median of decided_at − created_at over the requests decided in
	// the period; 0 when none were.
	MedianWaitHours float64
	Waiting         int // requests pending now, whenever they came
}

// ParsePeriod reads the usage form's first and last day (yyyy-mm-dd, both included) into
// local midnights. The fields are "fra" and "til", as in the form; messages are catalogue ids.
func ParsePeriod(first, last string) (from, to time.Time, e validate.Errors) {
	from, err := tz.ParseDate(first)
	if err != nil {
		e.Add("fra", "usage.from.invalid")
	}
	to, err = tz.ParseDate(last)
	switch {
	case err != nil:
		e.Add("til", "usage.to.invalid")
	case e.Has("fra"):
	case to.Before(from):
		e.Add("til", "usage.to.order")
	case !to.Before(from.AddDate(MaxUsageYears, 0, 0)):
		e.Add("til", "usage.tooLong", "Count", MaxUsageYears)
	}
	return from, to, e
}

// dayCount is the number of calendar days first..last, both included.
func dayCount(first, last time.Time) int {
	y1, m1, d1 := first.In(tz.Oslo).Date()
	y2, m2, d2 := last.In(tz.Oslo).Date()
	a, b := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC), time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a)/(24*time.Hour)) + 1
}

func share(loanDays, days int) float64 {
	if days == 0 {
		return 0
	}
	return float64(loanDays) / float64(days)
}

// usageQuery counts, per licence and per borrower, the local days lent in the period
// [$1, $2] (dates) by loans not cancelled. A day is a (licence, borrower, day) fact counted
// once, whatever number of loans touch it. Licences that are active or were lent are listed,
// lent ones or not; borrowers only when they borrowed.
const usageQuery = `WITH days AS (
		SELECT tstzrange(d AT TIME ZONE 'Europe/Oslo', (d + interval '1 day') AT TIME ZONE 'Europe/Oslo') AS r
		FROM generate_series($1::date::timestamp, $2::date::timestamp, interval '1 day') AS g(d)
	), lent AS (
		SELECT DISTINCT n.licence_id, n.org_id, n.group_id, lower(d.r) AS day
		FROM licence_loans n JOIN days d ON n.period && d.r
		WHERE n.cancelled_at IS NULL AND n.period && tstzrange($1::date::timestamp AT TIME ZONE 'Europe/Oslo',
			($2::date + 1)::timestamp AT TIME ZONE 'Europe/Oslo')
	)
	SELECT kind, key, provider, loan_days, funding FROM (
		SELECT 'licence' AS kind, l.label AS key, l.provider, count(DISTINCT x.day)::int AS loan_days, l.funding
		FROM licences l LEFT JOIN lent x ON x.licence_id = l.id
		WHERE l.status = 'active' OR x.licence_id IS NOT NULL
		GROUP BY l.id
		UNION ALL
		SELECT 'borrower', coalesce(o.name, g.name, ''), '', count(*)::int, ''
		FROM lent x LEFT JOIN orgs o ON o.id = x.org_id LEFT JOIN groups g ON g.id = x.group_id
		GROUP BY x.org_id, x.group_id, o.name, g.name
	) u
	ORDER BY kind, loan_days DESC, key COLLATE "nb-NO-x-icu", provider`

// waitQuery counts the requests received and decided in [$1, $2) and those pending now, with
// the median wait of the decided ones in hours.
const waitQuery = `SELECT
		count(*) FILTER (WHERE created_at >= $1 AND created_at < $2)::int,
		count(*) FILTER (WHERE decided_at >= $1 AND decided_at < $2)::int,
		coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
			FILTER (WHERE decided_at >= $1 AND decided_at < $2), 0) / 3600,
		count(*) FILTER (WHERE status = 'pending')::int
	FROM licence_requests`

// ReadUsage returns the utilisation of the licences over the local days from..to, both
// included, in two queries whatever the number of loans. Rows are ordered by loan-days,
// most first, then by name. A period that ends before it begins is postgres.ErrInvalid.
// It only reads, and opens no secret: the usage page and the yearly report call it with
// the database alone, without the keyring a Store holds.
func ReadUsage(ctx context.Context, db postgres.DBTX, from, to time.Time) (Usage, error) {
	u := Usage{From: tz.Midnight(from), To: tz.Midnight(to)}
	if u.To.Before(u.From) {
		return u, fmt.Errorf("licences: usage: %w", postgres.ErrInvalid)
	}
	days := dayCount(u.From, u.To)
	u.Days = days
	rows, err := db.Query(ctx, usageQuery, u.From.Format(time.DateOnly), u.To.Format(time.DateOnly))
	if err != nil {
		return u, fmt.Errorf("licences: usage: %w", err)
	}
	type fact struct {
		Kind, Key, Provider string
		LoanDays            int
		Funding             string
	}
	facts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fact])
	if err != nil {
		return u, fmt.Errorf("licences: usage: %w", err)
	}
	providers := map[string]*UsageRow{}
	funders := map[string]int{}
	for _, f := range facts {
		if f.Kind == "borrower" {
			u.PerBorrower = append(u.PerBorrower, UsageRow{Key: f.Key, LoanDays: f.LoanDays})
			continue
		}
		u.PerLicence = append(u.PerLicence, UsageRow{Key: f.Key, Provider: f.Provider, LoanDays: f.LoanDays, Days: days,
			Share: share(f.LoanDays, days)})
		funders[f.Funding] += f.LoanDays
		p := providers[f.Provider]
		if p == nil {
			p = &UsageRow{Key: f.Provider, Provider: f.Provider}
			providers[f.Provider] = p
		}
		p.LoanDays += f.LoanDays
		p.Days += days
	}
	for _, p := range providers {
		p.Share = share(p.LoanDays, p.Days)
		u.PerProvider = append(u.PerProvider, *p)
	}
	slices.SortFunc(u.PerProvider, func(a, b UsageRow) int {
		return cmp.Or(cmp.Compare(b.LoanDays, a.LoanDays), cmp.Compare(a.Key, b.Key))
	})
	for funder, n := range funders {
		u.PerFunder = append(u.PerFunder, UsageRow{Key: funder, LoanDays: n})
	}
	slices.SortFunc(u.PerFunder, func(a, b UsageRow) int {
		return cmp.Or(cmp.Compare(b.LoanDays, a.LoanDays), cmp.Compare(a.Key, b.Key))
	})
	end := u.To.AddDate(0, 0, 1)
	if err := db.QueryRow(ctx, waitQuery, u.From, end).Scan(&u.Requests, &u.Decided, &u.MedianWaitHours, &u.Waiting); err != nil {
		return u, fmt.Errorf("licences: usage: %w", err)
	}
	return u, nil
}
