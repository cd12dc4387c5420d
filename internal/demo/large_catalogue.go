package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Random streams of the parts of the large data set.
const (
	streamOrgs uint64 = iota + 1
	streamGroups
	streamPeople
	streamPlan
	streamOccurrences
	streamEvents
	streamLicences
	streamFigures
)

// largeTheme is a theme of the database the groups and sign-ups are spread over.
type largeTheme struct {
	ID                   int64
	Slug, NameNB, NameEN string
	DescNB, DescEN       string
}

// largeOrg is a made-up partner organisation.
type largeOrg struct {
	id                  int64
	name, contact, mail string
}

func (g *large) loadThemes(ctx context.Context) error {
	rows, err := g.tx.Query(ctx, `SELECT id, slug, name_nb, name_en, description_nb, description_en FROM themes ORDER BY id`)
	if err != nil {
		return err
	}
	if g.themes, err = pgx.CollectRows(rows, pgx.RowToStructByPos[largeTheme]); err != nil {
		return err
	}
	if len(g.themes) == 0 {
		return fmt.Errorf("no themes: run seed --demo first")
	}
	return nil
}

// seedOrgs adds the made-up organisations that book rooms, run groups and borrow licences.
func (g *large) seedOrgs(ctx context.Context) error {
	n := g.size(largeOrgs, 10)
	first, err := g.reserveIDs(ctx, "orgs", n)
	if err != nil {
		return err
	}
	r := g.rng(streamOrgs)
	g.orgs = make([]largeOrg, n)
	kinds := []string{"voluntary", "nonprofit", "public"}
	rows := make([][]any, n)
	for i := range g.orgs {
		name := largeDistricts[i%len(largeDistricts)] + " " + largeOrgKinds[(i/len(largeDistricts))%len(largeOrgKinds)]
		if round := i / (len(largeDistricts) * len(largeOrgKinds)); round > 0 {
			name = fmt.Sprintf("%s %d", name, round+1)
		}
		contact := largeFirstNames[r.IntN(len(largeFirstNames))] + " " + largeSurnames[r.IntN(len(largeSurnames))]
		domain := asciiLower(name, 0) + ".demo.test"
		o := largeOrg{id: first + int64(i), name: name, contact: contact, mail: domain}
		g.orgs[i] = o
		created := g.today.Add(-days(400 + r.Float64()*3600))
		var signed, expires any
		if chance(r, 0.6) {
			year := g.today.Year() - r.IntN(3)
			signed = civilDate(time.Date(year, time.January, 1+r.IntN(60), 0, 0, 0, 0, time.UTC))
			expires = civilDate(time.Date(year+2, time.December, 31, 0, 0, 0, 0, time.UTC))
		}
		rows[i] = []any{o.id, name, kinds[pick(r, 70, 20, 10)], chance(r, 0.3), signed, expires, contact,
			asciiLower(contact, '.') + "@" + domain, "", created, created}
	}
	g.res.Orgs, err = g.copyRows(ctx, "orgs", []string{"id", "name", "kind", "network_member", "agreement_signed",
		"agreement_expires", "contact_name", "contact_email", "notes", "created_at", "updated_at"}, n, func(i int) []any { return rows[i] })
	return err
}

// civilDate is a date column's value for the calendar date of t.
func civilDate(t time.Time) pgtype.Date {
	y, m, d := t.Date()
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

// nullDate is civilDate, or NULL for the zero time.
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return civilDate(t)
}

// clock is a time column's value.
func clock(d time.Duration) pgtype.Time {
	return pgtype.Time{Microseconds: int64(d / time.Microsecond), Valid: true}
}

// nullTime is t, or NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// partOfDay names the part of the day a meeting at clock starts in.
func partOfDay(c time.Duration) (nb, en string) {
	switch {
	case c < 12*time.Hour:
		return "formiddag", "morning"
	case c < 17*time.Hour:
		return "ettermiddag", "afternoon"
	}
	return "kveld", "evening"
}

// groupName names a group after its theme, kind and time, the way staff name them.
func groupName(gr *largeGroup, th largeTheme, org string) (nb, en string) {
	day, dayEN := largeWeekdays[gr.weekday-1], largeWeekdaysEN[gr.weekday-1]
	part, partEN := partOfDay(gr.start)
	switch {
	case gr.twelveStep:
		return fmt.Sprintf("Tolvtrinnsmøte %s %s", day, part), fmt.Sprintf("Twelve-step meeting, %s %s", dayEN, partEN)
	case gr.kind == "coffee":
		return fmt.Sprintf("Kaffe og prat – %s", day), fmt.Sprintf("Coffee and a chat – %s", dayEN)
	case gr.kind == "conversation":
		return fmt.Sprintf("Samtalegruppe: %s – %s", strings.ToLower(th.NameNB), day),
			fmt.Sprintf("Conversation group: %s – %s", strings.ToLower(th.NameEN), dayEN)
	case gr.format == "digital":
		return fmt.Sprintf("%s på nett – %s", th.NameNB, day), fmt.Sprintf("%s online – %s", th.NameEN, dayEN)
	case org != "":
		return fmt.Sprintf("%s – %s", th.NameNB, org), fmt.Sprintf("%s – %s", th.NameEN, org)
	}
	return fmt.Sprintf("%s – %s %s", th.NameNB, day, part), fmt.Sprintf("%s – %s %s", th.NameEN, dayEN, partEN)
}

// groupDescription is a group's description in both languages.
func groupDescription(gr *largeGroup, th largeTheme) (nb, en string) {
	every, everyEN := "hver", "every"
	if gr.biweekly {
		every, everyEN = "annenhver", "every other"
	}
	at := fmt.Sprintf("%02d:%02d", int(gr.start.Hours()), int(gr.start.Minutes())%60)
	nb = fmt.Sprintf("%s Gruppa møtes %s %s klokka %s.", th.DescNB, every, largeWeekdays[gr.weekday-1], at)
	en = fmt.Sprintf("%s The group meets %s %s at %s.", th.DescEN, everyEN, largeWeekdaysEN[gr.weekday-1], at)
	return truncate(nb, 4000), truncate(en, 4000)
}

// randomTheme picks a theme, the common ones (anxiety, grief, carers …) more often.
func (g *large) randomTheme(r *rand.Rand) int {
	if chance(r, 0.5) {
		return r.IntN(min(len(g.themes), 5))
	}
	return r.IntN(len(g.themes))
}
