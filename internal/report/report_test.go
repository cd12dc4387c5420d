package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/report"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show: the figures of a fixed data set for 2025 equal values worked out by hand,
// small cells shown as "< 5"; deleting every participant leaves the year's report as it was;
// each table's CSV parses and holds the figures of the page.
func TestReportOfAYear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	angst := b.Theme("Angst", func(f *groups.ThemeForm) { f.NameEN = "Anxiety" })
	sorg := b.Theme("Sorg", func(f *groups.ThemeForm) { f.NameEN = "Grief" })
	// SQL: the figures of years gone by, which no use case writes after the fact.
	if _, err := db.Exec(ctx, `INSERT INTO yearly_counts (year, metric, key, count) VALUES
			(2025, 'signups', 'friend', 7), (2025, 'signups', 'web', 3), (2025, 'signups', '', 2),
			(2025, 'placed', '', 6), (2025, 'withdrawn', '', 1),
			(2025, 'offer_accepted', '', 5), (2025, 'offer_declined', '', 2), (2025, 'offer_expired', '', 1),
			(2025, 'event_held', 'intro', 3), (2025, 'event_confirmed', 'intro', 40), (2025, 'event_attended', 'intro', 31),
			(2024, 'signups', 'friend', 99)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO placement_waits (year, theme_id, days) VALUES
			(2025, $1, 10), (2025, $1, 20), (2025, $1, 40), (2025, $1, 50), (2025, $1, 60), (2025, $2, 5)`, angst.ID, sorg.ID); err != nil {
		t.Fatal(err)
	}
	room := b.Room("Bjørk", 10)
	if _, err := rooms.NewStore(db, nil).Book(ctx, rooms.Booking{RoomID: room.ID, Title: "x", Holder: "internal", Frequency: rooms.Once, OverrideReason: "test"},
		[]rooms.Slot{
			{Start: time.Date(2025, 3, 4, 17, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 4, 18, 30, 0, 0, time.UTC)},
			{Start: time.Date(2025, 3, 11, 17, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 11, 18, 30, 0, 0, time.UTC)},
			{Start: time.Date(2024, 12, 31, 22, 0, 0, 0, time.UTC), End: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		}, false); err != nil {
		t.Fatal(err)
	}
	// A participant who is still there, to be deleted.
	b.SignUp(signups.Target{ThemeID: angst.ID})
	before, err := report.Build(ctx, db, 2025, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][][]string{
		"pameldinger": {{"Nye påmeldinger", "12"}, {"Fått plass i en gruppe", "6"}, {"Meldt seg av", "< 5"},
			{"Tilbud sagt ja til", "5"}, {"Tilbud sagt nei til", "< 5"}, {"Tilbud uten svar", "< 5"}},
		"kilder":        {{"Fra venner eller familie", "7"}, {"", "< 5"}, {"Ikke svart", "< 5"}},
		"ventetid":      {{"Angst", "5", "40"}, {"Sorg", "< 5", "5"}},
		"arrangementer": {{"Introduksjonsmøte", "3", "40", "31"}},
	}
	for id, rows := range want {
		tb, ok := before.Table(id)
		if !ok {
			t.Fatalf("no table %s", id)
		}
		for i, row := range rows {
			if i >= len(tb.Rows) {
				t.Errorf("%s: row %d missing", id, i)
				continue
			}
			for j, cell := range row {
				if cell != "" && tb.Rows[i][j].Shown() != cell {
					t.Errorf("%s row %d col %d = %q, want %q", id, i, j, tb.Rows[i][j].Shown(), cell)
				}
			}
		}
	}
	hours, _ := before.Table("rom")
	if len(hours.Rows) != 1 || hours.Rows[0][1].Shown() != "4" {
		t.Errorf("room hours: %+v (want 1.5 + 1.5 + the hour of 2025 on New Year's night = 4)", hours.Rows)
	}

	// Deleting the people changes nothing.
	if _, err := db.Exec(ctx, `DELETE FROM participants`); err != nil {
		t.Fatal(err)
	}
	after, err := report.Build(ctx, db, 2025, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Error("deleting participants changed the report")
	}

	// Every table's CSV parses and holds what the page shows: a suppressed count empty.
	for _, tb := range before.Tables {
		var buf bytes.Buffer
		if err := tb.WriteCSV(&buf, i18n.EN); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil || len(recs) != len(tb.Rows)+1 {
			t.Fatalf("%s: %d records, %v", tb.ID, len(recs), err)
		}
		for i, row := range tb.Rows {
			for j, c := range row {
				want := c.Shown()
				if c.Suppressed() {
					want = ""
				}
				if recs[i+1][j] != want {
					t.Errorf("%s: CSV %q, page %q", tb.ID, recs[i+1][j], c.Shown())
				}
			}
		}
	}
}

// The demo data makes last year's report meaningful on `make run`.
func TestDemoCoversLastYear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	rep, err := report.Build(ctx, db, time.Now().In(tz.Oslo).Year()-1, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	signups, _ := rep.Table("pameldinger")
	rooms, _ := rep.Table("rom")
	waits, _ := rep.Table("ventetid")
	events, _ := rep.Table("arrangementer")
	if signups.Rows[0][1].Shown() != "228" || len(waits.Rows) < 5 || len(events.Rows) != 2 {
		t.Errorf("last year's report: sign-ups %s, %d themes with waits, %d kinds of events", signups.Rows[0][1].Shown(), len(waits.Rows), len(events.Rows))
	}
	booked := 0.0
	for _, row := range rooms.Rows {
		booked += row[1].Value
	}
	if booked < 100 {
		t.Errorf("%.0f room hours booked last year", booked)
	}
}

// Must show (issue 21): on `seed --demo` the report of last year and of this year so far show
// what a real centre's would — hundreds of sign-ups, about two dozen groups a week in the
// house, licences lent, events held, outreach and contact meetings — and last year's has an
// introduction and loan-days per funder. The figures are logged for the closing note.
func TestDemoYearsAreBelievable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	ring, err := secrets.NewKeyring("licence", []byte("demo test secret key, 32 bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedLicences(ctx, db, ring, mailtest.Outbox(t, db), time.Now()); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(tz.Oslo)
	for _, year := range []int{now.Year() - 1, now.Year()} {
		share := 1.0 // of the year passed
		if year == now.Year() {
			share = float64(now.YearDay()) / 365
		}
		rep, err := report.Build(ctx, db, year, i18n.NB)
		if err != nil {
			t.Fatal(err)
		}
		sum := func(id string, col int, row func([]report.Cell) bool) float64 {
			tb, ok := rep.Table(id)
			if !ok {
				t.Fatalf("%d: no table %s", year, id)
			}
			total := 0.0
			for _, r := range tb.Rows {
				if row == nil || row(r) {
					total += r[col].Value
				}
			}
			return total
		}
		labelled := func(label string) func([]report.Cell) bool {
			return func(r []report.Cell) bool { return r[0].Text == label }
		}
		signups := sum("pameldinger", 1, labelled("Nye påmeldinger"))
		roomHours := sum("rom", 1, nil)
		loanDays := sum("lisenser-finansiering", 1, nil)
		held := sum("arrangementer", 1, nil)
		outreachN := sum("utadrettet", 1, nil)
		contact := sum("utadrettet", 1, labelled("Kontaktmøte"))
		t.Logf("%d: %.0f new sign-ups, %.0f room hours (%.1f a week), %.0f licence loan-days, %.0f events held, %.0f outreach activities of which %.0f contact meetings",
			year, signups, roomHours, roomHours/(52*share), loanDays, held, outreachN, contact)
		for _, tb := range rep.Tables {
			for _, r := range tb.Rows {
				cells := make([]string, len(r))
				for i, c := range r {
					cells[i] = c.Shown()
				}
				t.Logf("  %s: %s", tb.ID, strings.Join(cells, " | "))
			}
		}
		switch {
		case signups < 200*share:
			t.Errorf("%d: %.0f new sign-ups: a centre with two dozen groups has hundreds a year", year, signups)
		case roomHours/(52*share) < 25: // about 23 meetings of 1½ hours a week
			t.Errorf("%d: %.1f room hours a week, not about two dozen groups", year, roomHours/(52*share))
		case loanDays < 300*share:
			t.Errorf("%d: %.0f licence loan-days for five licences", year, loanDays)
		case held < 30*share:
			t.Errorf("%d: %.0f events held", year, held)
		case contact < 15*share || outreachN < 30*share:
			t.Errorf("%d: %.0f outreach activities, %.0f contact meetings", year, outreachN, contact)
		}
		if year == now.Year()-1 {
			if rep.Intro == "" {
				t.Error("last year's report has no introduction")
			}
			if funders := sum("lisenser-finansiering", 1, labelled("Stiftelsen Dam")); funders == 0 {
				t.Error("no loan-days for the foundation that funded a licence")
			}
		}
	}
}
