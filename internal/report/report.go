package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/outreach"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

// Report is the annual report of one year: its tables in the order of the document.
type Report struct {
	Year   int
	Intro  string // staff's introduction to the year, as they wrote it; "" when none
	Tables []Table
}

// Table returns the table with id, or false.
func (r Report) Table(id string) (Table, bool) {
	for _, t := range r.Tables {
		if t.ID == id {
			return t, true
		}
	}
	return Table{}, false
}

// Tables are the tables Build reads, its own queries and those of the functions of other
// features it calls (signups.MedianWaits, volunteers.Survival, rooms.OpeningHours, the
// licences' Usage): a memo of a report is stale when one of them changes. A test in
// internal/server builds a report and holds its queries to this list. It names volunteers
// and bookings too, which no query reads today.
func Tables() []string {
	return []string{"yearly_counts", "placement_waits", "groups", "group_status_history", "group_themes",
		"themes", "group_volunteers", "volunteers", "checkins", "rooms", "bookings", "booking_occurrences", "closures",
		"opening_hours", "licences", "licence_loans", "licence_requests", "events", "event_signups", "orgs",
		"outreach", "report_intros"}
}

// Build computes the report of year from what outlives the people: the yearly counts, the
// anonymous waiting times, the groups, rooms, licences and events. Deleting participants
// under the retention rules does not change a past year's report.
func Build(ctx context.Context, db *pgxpool.Pool, year int, lang i18n.Lang) (Report, error) {
	r := Report{Year: year}
	t := func(id string, args ...any) string { return i18n.Translate(lang, id, args...) }
	intro, err := outreach.Intro(ctx, db, year)
	if err != nil {
		return r, err
	}
	r.Intro = intro
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, tz.Oslo)
	to := from.AddDate(1, 0, 0)
	counts, err := yearlyCounts(ctx, db, year)
	if err != nil {
		return r, err
	}

	// Sign-ups, placements, offers.
	total := 0
	for key, n := range counts["signups"] {
		_ = key
		total += n
	}
	r.Tables = append(r.Tables, Table{ID: "pameldinger", Title: t("report.signups"), Columns: []string{t("report.what"), t("report.number")},
		Rows: [][]Cell{
			{Label(t("report.signups.new")), People(total)},
			{Label(t("report.placed")), People(counts["placed"][""])},
			{Label(t("report.withdrawn")), People(counts["withdrawn"][""])},
			{Label(t("report.offers.accepted")), People(counts["offer_accepted"][""])},
			{Label(t("report.offers.declined")), People(counts["offer_declined"][""] + counts["offer_withdrawn"][""])},
			{Label(t("report.offers.expired")), People(counts["offer_expired"][""])},
		}})

	// How did you hear about us.
	sources := Table{ID: "kilder", Title: t("report.sources"), Columns: []string{t("report.source"), t("report.number")}}
	for _, key := range sortedKeys(counts["signups"]) {
		label := t("report.source.none")
		if key != "" {
			label = t("signup.source." + key)
		}
		sources.Rows = append(sources.Rows, []Cell{Label(label), People(counts["signups"][key])})
	}
	r.Tables = append(r.Tables, sources)

	// Waiting time to a place, per theme.
	waits, err := signups.MedianWaits(ctx, db, year)
	if err != nil {
		return r, err
	}
	names, err := themeNames(ctx, db, lang)
	if err != nil {
		return r, err
	}
	wt := Table{ID: "ventetid", Title: t("report.waits"), Columns: []string{t("report.theme"), t("report.placed"), t("report.medianDays")}}
	for _, w := range waits {
		name := names[w.ThemeID]
		if w.ThemeID == 0 {
			name = t("report.oneGroup")
		}
		wt.Rows = append(wt.Rows, []Cell{Label(name), People(w.Placed), Count(w.Days, 0)})
	}
	r.Tables = append(r.Tables, wt)

	// Groups: started in the year, and active by theme.
	gs, err := groupTables(ctx, db, from, to, names, t)
	if err != nil {
		return r, err
	}
	r.Tables = append(r.Tables, gs...)

	// Survival of groups at 3, 6 and 12 months.
	surv, err := volunteers.Survival(ctx, db, year)
	if err != nil {
		return r, err
	}
	st := Table{ID: "overlevelse", Title: t("report.survival"), Columns: []string{t("report.after"), t("report.checked"), t("report.stillMeet")}}
	for _, s := range surv {
		st.Rows = append(st.Rows, []Cell{Label(t("report.months", "Count", s.Months)), Count(float64(s.Checked), 0), Count(float64(s.StillMeeting), 0)})
	}
	r.Tables = append(r.Tables, st)

	// Rooms: hours booked and the share of the house's opening hours.
	rt, err := roomTable(ctx, db, from, to, t)
	if err != nil {
		return r, err
	}
	r.Tables = append(r.Tables, rt)

	// Licences: loan-days per provider and borrower.
	u, err := licences.ReadUsage(ctx, db, from, to.AddDate(0, 0, -1))
	if err != nil {
		return r, err
	}
	lt := Table{ID: "lisenser", Title: t("report.licences"), Columns: []string{t("report.borrower"), t("report.loanDays")}}
	for _, row := range u.PerProvider {
		lt.Rows = append(lt.Rows, []Cell{Label(row.Key), Count(float64(row.LoanDays), 0)})
	}
	for _, row := range u.PerBorrower {
		lt.Rows = append(lt.Rows, []Cell{Label(row.Key), Count(float64(row.LoanDays), 0)})
	}
	r.Tables = append(r.Tables, lt)
	ft := Table{ID: "lisenser-finansiering", Title: t("report.licences.funders"), Columns: []string{t("report.funder"), t("report.loanDays")}}
	for _, row := range u.PerFunder {
		name := row.Key
		if name == "" {
			name = t("report.funder.none")
		}
		ft.Rows = append(ft.Rows, []Cell{Label(name), Count(float64(row.LoanDays), 0)})
	}
	r.Tables = append(r.Tables, ft)

	// Events held and attendance: the figures of purged events and those still kept.
	et, err := eventTable(ctx, db, year, from, to, counts, t)
	if err != nil {
		return r, err
	}
	r.Tables = append(r.Tables, et)

	// Information and outreach work, and contact meetings.
	sums, err := outreach.Year(ctx, db, year)
	if err != nil {
		return r, err
	}
	ot := Table{ID: "utadrettet", Title: t("report.outreach"), Columns: []string{t("report.outreach.kind"), t("report.outreach.activities"), t("report.outreach.reach")}}
	for _, sum := range sums {
		ot.Rows = append(ot.Rows, []Cell{Label(t("outreach.kind." + sum.Kind)), Count(float64(sum.Activities), 0), Count(float64(sum.Reach), 0)})
	}
	r.Tables = append(r.Tables, ot)
	return r, nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	return keys
}

// yearlyCounts reads the year's anonymous counts: metric → key → count.
func yearlyCounts(ctx context.Context, db *pgxpool.Pool, year int) (map[string]map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT metric, key, count FROM yearly_counts WHERE year = $1`, year)
	if err != nil {
		return nil, fmt.Errorf("report: counts: %w", err)
	}
	out := map[string]map[string]int{}
	var metric, key string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&metric, &key, &n}, func() error {
		if out[metric] == nil {
			out[metric] = map[string]int{}
		}
		out[metric][key] += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report: counts: %w", err)
	}
	return out, nil
}

func themeNames(ctx context.Context, db *pgxpool.Pool, lang i18n.Lang) (map[int64]string, error) {
	rows, err := db.Query(ctx, `SELECT id, CASE WHEN $1 = 'en' AND name_en <> '' THEN name_en ELSE name_nb END FROM themes`, string(lang))
	if err != nil {
		return nil, fmt.Errorf("report: themes: %w", err)
	}
	out := map[int64]string{}
	var id int64
	var name string
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error { out[id] = name; return nil })
	return out, err
}

// groupTables are the groups that started in the year by kind, and the groups active in it
// (started before its end, not closed before its start) by theme.
func groupTables(ctx context.Context, db *pgxpool.Pool, from, to time.Time, names map[int64]string, t func(string, ...any) string) ([]Table, error) {
	started := Table{ID: "grupper-startet", Title: t("report.groupsStarted"), Columns: []string{t("report.kind"), t("report.number")}}
	rows, err := db.Query(ctx, `SELECT g.kind, count(*) FROM groups g
		WHERE coalesce(g.started_on::timestamptz, (SELECT min(h.changed_at) FROM group_status_history h WHERE h.group_id = g.id AND h.status = 'startup'))
			>= $1 AND coalesce(g.started_on::timestamptz, (SELECT min(h.changed_at) FROM group_status_history h WHERE h.group_id = g.id AND h.status = 'startup')) < $2
		GROUP BY g.kind ORDER BY g.kind`, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: groups: %w", err)
	}
	var kind string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&kind, &n}, func() error {
		started.Rows = append(started.Rows, []Cell{Label(t("catalogue.kind." + kind)), Count(float64(n), 0)})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("report: groups: %w", err)
	}
	active := Table{ID: "grupper-aktive", Title: t("report.groupsActive"), Columns: []string{t("report.theme"), t("report.number")}}
	rows, err = db.Query(ctx, `SELECT gt.theme_id, count(DISTINCT g.id) FROM groups g JOIN group_themes gt ON gt.group_id = g.id
		WHERE g.created_at < $2 AND g.status <> 'gathering'
			AND NOT EXISTS (SELECT 1 FROM group_status_history h WHERE h.group_id = g.id AND h.status = 'closed' AND h.changed_at < $1)
		GROUP BY gt.theme_id ORDER BY count(DISTINCT g.id) DESC, gt.theme_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: groups: %w", err)
	}
	var theme int64
	if _, err := pgx.ForEachRow(rows, []any{&theme, &n}, func() error {
		active.Rows = append(active.Rows, []Cell{Label(names[theme]), Count(float64(n), 0)})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("report: groups: %w", err)
	}
	byKind := Table{ID: "grupper-type", Title: t("report.groupsByKind"), Columns: []string{t("report.kind"), t("report.number")}}
	rows, err = db.Query(ctx, `SELECT g.kind, count(*) FROM groups g
		WHERE g.created_at < $2 AND g.status <> 'gathering'
			AND NOT EXISTS (SELECT 1 FROM group_status_history h WHERE h.group_id = g.id AND h.status = 'closed' AND h.changed_at < $1)
		GROUP BY g.kind ORDER BY g.kind`, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: groups: %w", err)
	}
	if _, err := pgx.ForEachRow(rows, []any{&kind, &n}, func() error {
		byKind.Rows = append(byKind.Rows, []Cell{Label(t("catalogue.kind." + kind)), Count(float64(n), 0)})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("report: groups: %w", err)
	}
	var helped, handedOver, volunteersActive int
	if err := db.QueryRow(ctx, `SELECT
			(SELECT count(DISTINCT group_id) FROM group_volunteers WHERE assigned_at >= $1 AND assigned_at < $2),
			(SELECT count(*) FROM groups WHERE handover_on >= $1::date AND handover_on < $2::date),
			(SELECT count(DISTINCT volunteer_id) FROM group_volunteers WHERE assigned_at < $2 AND (ended_at IS NULL OR ended_at >= $1))`,
		from, to).Scan(&helped, &handedOver, &volunteersActive); err != nil {
		return nil, fmt.Errorf("report: volunteers: %w", err)
	}
	vols := Table{ID: "igangsettere", Title: t("report.volunteers"), Columns: []string{t("report.what"), t("report.number")},
		Rows: [][]Cell{
			{Label(t("report.volunteers.helped")), Count(float64(helped), 0)},
			{Label(t("report.volunteers.handedOver")), Count(float64(handedOver), 0)},
			{Label(t("report.volunteers.active")), People(volunteersActive)},
		}}
	return []Table{started, active, byKind, vols}, nil
}

// roomTable is the hours booked per room in the year and their share of the house's opening
// hours (the weekly hours on every day that was not a holiday or closure).
func roomTable(ctx context.Context, db *pgxpool.Pool, from, to time.Time, t func(string, ...any) string) (Table, error) {
	tb := Table{ID: "rom", Title: t("report.rooms"), Columns: []string{t("booking.room"), t("report.hours"), t("report.share")}}
	week, err := rooms.NewStore(db, nil).OpeningHours(ctx)
	if err != nil {
		return tb, err
	}
	var open float64
	for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
		if _, holiday := rooms.HolidayOn(day); holiday {
			continue
		}
		if h := week[tz.Weekday(day)-1]; h.Open {
			open += (h.Closes - h.Opens).Hours()
		}
	}
	var closed float64
	if err := db.QueryRow(ctx, `SELECT coalesce(sum(least(last_day, $2::date - 1) - greatest(first_day, $1::date) + 1), 0)
		FROM closures WHERE last_day >= $1::date AND first_day < $2::date`, from.Format(time.DateOnly), to.Format(time.DateOnly)).Scan(&closed); err != nil {
		return tb, fmt.Errorf("report: rooms: %w", err)
	}
	open -= closed * open / 365 // a closed day takes an average day's hours
	rows, err := db.Query(ctx, `SELECT r.name, coalesce(sum(extract(epoch FROM upper(o.during * tstzrange($1, $2)) - lower(o.during * tstzrange($1, $2)))) / 3600, 0)
		FROM rooms r LEFT JOIN booking_occurrences o ON o.room_id = r.id AND o.cancelled_at IS NULL AND o.during && tstzrange($1, $2)
		WHERE r.bookable GROUP BY r.id ORDER BY r.name`, from, to)
	if err != nil {
		return tb, fmt.Errorf("report: rooms: %w", err)
	}
	var name string
	var hours float64
	_, err = pgx.ForEachRow(rows, []any{&name, &hours}, func() error {
		share := 0.0
		if open > 0 {
			share = hours / open * 100
		}
		tb.Rows = append(tb.Rows, []Cell{Label(name), Count(hours, 0), Count(share, 1)})
		return nil
	})
	if err != nil {
		return tb, fmt.Errorf("report: rooms: %w", err)
	}
	return tb, nil
}

// eventTable is the events held in the year and their attendance, by kind: the figures kept
// when old sign-ups were deleted, plus the events whose sign-ups are still there.
func eventTable(ctx context.Context, db *pgxpool.Pool, year int, from, to time.Time, counts map[string]map[string]int, t func(string, ...any) string) (Table, error) {
	tb := Table{ID: "arrangementer", Title: t("report.events"), Columns: []string{t("report.kind"), t("report.held"), t("report.confirmed"), t("report.came")}}
	held, confirmed, came := map[string]int{}, map[string]int{}, map[string]int{}
	for k, n := range counts["event_held"] {
		held[k] += n
	}
	for k, n := range counts["event_confirmed"] {
		confirmed[k] += n
	}
	for k, n := range counts["event_attended"] {
		came[k] += n
	}
	rows, err := db.Query(ctx, `SELECT e.kind, count(DISTINCT e.id), count(s.id) FILTER (WHERE s.status = 'confirmed'), count(s.id) FILTER (WHERE s.attended)
		FROM events e JOIN event_signups s ON s.event_id = e.id
		WHERE e.starts_at >= $1 AND e.starts_at < $2 AND e.ends_at < now() GROUP BY e.kind`, from, to)
	if err != nil {
		return tb, fmt.Errorf("report: events: %w", err)
	}
	var kind string
	var h, c, a int
	if _, err := pgx.ForEachRow(rows, []any{&kind, &h, &c, &a}, func() error {
		held[kind] += h
		confirmed[kind] += c
		came[kind] += a
		return nil
	}); err != nil {
		return tb, fmt.Errorf("report: events: %w", err)
	}
	for _, k := range []string{"intro", "coffee", "other"} {
		if held[k] == 0 {
			continue
		}
		tb.Rows = append(tb.Rows, []Cell{Label(t("events.kind." + k)), Count(float64(held[k]), 0), People(confirmed[k]), People(came[k])})
	}
	return tb, nil
}
