package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// largeLicence is a licence of the large data set.
type largeLicence struct {
	id       int64
	provider string
	seats    int
}

// seedLicences adds the licences, each password sealed under the keyring and bound to its
// row's id as the licences package does, and their loans with the requests they came from.
func (g *large) seedLicences(ctx context.Context) error {
	n := g.size(largeLicences, 2)
	first, err := g.reserveIDs(ctx, "licences", n)
	if err != nil {
		return err
	}
	r := g.rng(streamLicences)
	list := make([]largeLicence, n)
	created := g.cal.at(0, 10*time.Hour).AddDate(0, 0, -30)
	g.res.Licences, err = g.copyRows(ctx, "licences", []string{"id", "provider", "label", "max_participants", "max_minutes",
		"account_login", "secret", "key_id", "funding", "created_at", "updated_at"}, n, func(i int) []any {
		l := largeLicence{id: first + int64(i), provider: "zoom", seats: []int{100, 300}[pick(r, 3, 1)]}
		name, minutes := "Zoom", any(nil)
		if chance(r, 0.4) {
			l.provider, name, l.seats = "whereby", "Whereby", []int{12, 50}[pick(r, 3, 1)]
		} else if chance(r, 0.15) {
			minutes = 40
		}
		list[i] = l
		label := fmt.Sprintf("%s L%02d", name, i+1)
		keyID, sealed := g.opts.Keyring.Seal([]byte(fmt.Sprintf("stor-demo-%s-passord", asciiLower(label, '-'))),
			"licence "+strconv.FormatInt(l.id, 10))
		funding := []string{"Tilskudd fra Oslo kommune", "Stiftelsen Dam", ""}[r.IntN(3)]
		return []any{l.id, l.provider, label, l.seats, minutes, fmt.Sprintf("%s.l%02d@lisens.demo.test", l.provider, i+1),
			sealed, keyID, funding, created, created}
	})
	if err != nil {
		return err
	}
	return g.seedLoans(ctx, list)
}

// seedLoans spreads the loans evenly over the licences and the calendar: each licence's
// share of the calendar is cut into one stretch per loan, and a loan lies inside its
// stretch, so no two loans of a licence overlap.
func (g *large) seedLoans(ctx context.Context, list []largeLicence) error {
	total := g.size(largeLoans, 1)
	first, err := g.reserveIDs(ctx, "licence_requests", total)
	if err != nil {
		return err
	}
	r := g.rng(streamLicences + 100)
	var requests, loans [][]any
	for li, l := range list {
		quota := total / len(list)
		if li < total%len(list) {
			quota++
		}
		stretch := float64(g.cal.days()) / float64(quota)
		for k := range quota {
			from := int(float64(k) * stretch)
			to := max(int(float64(k+1)*stretch), from+1) // exclusive
			start := from + r.IntN(max(1, (to-from)/3))
			length := 1 + r.IntN(max(1, min(to-start, int(stretch*1.2))))
			id := first + int64(len(requests))
			q, n := g.loan(r, l, id, g.cal.at(start, 0), g.cal.at(start+length, 0))
			requests, loans = append(requests, q), append(loans, n)
		}
	}
	if _, err := g.copyRows(ctx, "licence_requests", []string{"id", "org_id", "group_id", "requested_by", "provider", "period",
		"purpose", "participants", "contact_name", "contact_email", "lang", "status", "decided_by", "decided_at", "created_at"},
		len(requests), func(i int) []any { return requests[i] }); err != nil {
		return err
	}
	g.res.LicenceLoans, err = g.copyRows(ctx, "licence_loans", []string{"licence_id", "request_id", "org_id", "group_id", "period",
		"returned_at", "returned_to", "cancelled_at", "reminded_week_at", "reminded_day_at", "created_by", "created_at"},
		len(loans), func(i int) []any { return loans[i] })
	return err
}

// loan makes an approved request and its loan of licence l for [from, to). Contact details
// of loans that ended over a year ago are gone, as the retention rules leave them.
func (g *large) loan(r *rand.Rand, l largeLicence, id int64, from, to time.Time) (request, loan []any) {
	var org, group, by any
	contact, email := "", ""
	if chance(r, 0.7) || len(g.groups) == 0 {
		o := g.orgs[r.IntN(len(g.orgs))]
		org, contact = o.id, o.contact
		email = asciiLower(o.contact, '.') + "@" + o.mail
	} else {
		gr := &g.groups[r.IntN(len(g.groups))]
		group, by = gr.id, g.admin
		contact = largeFirstNames[r.IntN(len(largeFirstNames))] + " " + largeSurnames[r.IntN(len(largeSurnames))]
		email = asciiLower(contact, '.') + "@kontakt.demo.test"
	}
	if to.Before(g.today.AddDate(-1, 0, 0)) {
		contact, email = "–", "slettet"
	}
	asked := from.Add(-days(2 + 28*r.Float64()))
	if asked.After(g.today) {
		asked = g.today.Add(-days(20 * r.Float64()))
	}
	decided := minTime(asked.Add(days(2*r.Float64())), later(asked, g.today))
	period := pgtype.Range[pgtype.Timestamptz]{Lower: pgtype.Timestamptz{Time: from, Valid: true},
		Upper: pgtype.Timestamptz{Time: to, Valid: true}, LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true}
	request = []any{id, org, group, by, l.provider, period, largePurposes[r.IntN(len(largePurposes))],
		min(l.seats, 2+r.IntN(30)), contact, email, "nb", "approved", g.admin, decided, asked}
	var returned, returnedTo, cancelled, week, day any
	switch {
	case chance(r, 0.03):
		cancelled = later(decided, minTime(from.Add(-24*time.Hour), g.today))
	case !to.After(g.today):
		returned, returnedTo = later(from, to.Add(-days(r.Float64()))), g.admin
		fallthrough
	case to.Add(-7 * 24 * time.Hour).Before(g.today):
		if to.Sub(from) > 8*24*time.Hour {
			week = to.Add(-7 * 24 * time.Hour)
		}
		if d := to.Add(-24 * time.Hour); d.Before(g.today) && d.After(from) {
			day = d
		}
	}
	loan = []any{l.id, id, org, group, period, returned, returnedTo, cancelled, week, day, g.admin, decided}
	return request, loan
}
