package volunteers_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

func TestDueOn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		start  time.Time
		months int
		want   time.Time
	}{
		{date(2026, 1, 15), 3, date(2026, 4, 15)},
		{date(2026, 1, 15), 12, date(2027, 1, 15)},
		{date(2026, 8, 31), 3, date(2026, 11, 30)},   // no 31 November
		{date(2026, 8, 31), 6, date(2027, 2, 28)},    // nor 31 February
		{date(2027, 8, 31), 6, date(2028, 2, 29)},    // a leap year
		{date(2026, 11, 30), 3, date(2027, 2, 28)},   // across the new year
		{date(2026, 10, 31), 12, date(2027, 10, 31)}, // a month with the day
	}
	for _, c := range cases {
		if got := volunteers.DueOn(c.start, c.months); !got.Equal(c.want) {
			t.Errorf("DueOn(%s, %d) = %s, want %s", c.start.Format(time.DateOnly), c.months, got.Format(time.DateOnly),
				c.want.Format(time.DateOnly))
		}
	}
}

func dues(list []volunteers.Checkin) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.DueOn.Format(time.DateOnly))
	}
	return out
}

// A started group has check-ins due 3, 6 and 12 months after its start; making them again
// changes nothing; a new start day moves those not recorded; a group that has not started
// (or starts later) has none.
func TestCheckinsDueFromTheStart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "selfrunning", time.Date(2026, 1, 31, 10, 0, 0, 0, tz.Oslo))
	f.group(t, "never", "gathering", time.Time{})
	later := f.group(t, "later", "gathering", time.Time{})
	// SQL: staff cannot set a start day in the future; this group has one.
	f.exec(t, `UPDATE groups SET started_on = '2026-06-16' WHERE id = $1`, later)

	for range 2 {
		if err := volunteers.EnsureCheckins(ctx, f.db, f.today); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM checkins`); n != 3 {
		t.Fatalf("%d check-ins, want the 3 of the started group", n)
	}
	list, err := f.s.Checkins(ctx, g, f.today)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026-04-30", "2026-07-31", "2027-01-31"}; !slices.Equal(dues(list), want) {
		t.Errorf("due = %v, want %v", dues(list), want)
	}
	if !list[0].Overdue(f.today) || list[1].Overdue(f.today) || list[0].Done() {
		t.Errorf("overdue wrong: %+v", list)
	}

	err = f.s.RecordCheckin(ctx, g, volunteers.CheckinForm{Months: "3", DoneOn: "2026-05-02", StillMeets: volunteers.Yes}, f.staff, f.today)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetStartedOn(ctx, g, "2026-02-10", f.today); err != nil {
		t.Fatal(err)
	}
	list, _ = f.s.Checkins(ctx, g, f.today)
	if want := []string{"2026-04-30", "2026-08-10", "2027-02-10"}; !slices.Equal(dues(list), want) {
		t.Errorf("after a new start day, due = %v, want %v (the recorded one kept)", dues(list), want)
	}
	if !list[0].Done() || !*list[0].StillMeets || list[0].DoneBy != "Stine Ansatt" || !list[0].DoneOn.Equal(date(2026, 5, 2)) {
		t.Errorf("recorded check-in = %+v", list[0])
	}
	if err := volunteers.EnsureCheckins(ctx, f.db, date(2026, 6, 16)); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM checkins WHERE group_id = $1`, later); n != 3 {
		t.Errorf("the group that started on 16 June has %d check-ins that day", n)
	}
}

func TestRecordCheckinRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "selfrunning", time.Date(2026, 1, 15, 10, 0, 0, 0, tz.Oslo))
	never := f.group(t, "never", "gathering", time.Time{})
	ok := volunteers.CheckinForm{Months: "6", DoneOn: "2026-06-14", StillMeets: volunteers.No}
	for _, c := range []struct {
		group      int64
		form       volunteers.CheckinForm
		field, msg string
	}{
		{g, volunteers.CheckinForm{Months: "4", DoneOn: "2026-06-14", StillMeets: "yes"}, "checkin_months", "followup.checkin.months.required"},
		{g, volunteers.CheckinForm{Months: "3", StillMeets: "yes"}, "checkin_done_on", "followup.date.required"},
		{g, volunteers.CheckinForm{Months: "3", DoneOn: "2026-06-16", StillMeets: "yes"}, "checkin_done_on", "followup.date.future"},
		{g, volunteers.CheckinForm{Months: "3", DoneOn: "2026-06-14"}, "checkin_still_meets", "followup.checkin.stillMeets.required"},
		{g, volunteers.CheckinForm{Months: "12", DoneOn: "2026-06-14", StillMeets: "yes"}, "checkin_done_on", "followup.checkin.early"},
		{never, ok, "checkin_months", "followup.checkin.notStarted"},
	} {
		fieldError(t, f.s.RecordCheckin(ctx, c.group, c.form, f.staff, f.today), c.field, c.msg)
	}
	// Due on 15 July: a month early is fine.
	if err := f.s.RecordCheckin(ctx, g, ok, f.staff, f.today); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM checkins WHERE done_on IS NOT NULL AND NOT still_meets`); n != 1 {
		t.Errorf("%d recorded check-ins saying no", n)
	}
}

// The due list holds the groups whose latest log entry's next check has come and those with a
// check-in due and not recorded, the longest due first, a page at a time.
func TestDueForFollowUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	log := func(g int64, happened, next string) {
		t.Helper()
		if _, err := f.s.AddFollowUp(ctx, g, volunteers.FollowUpForm{HappenedOn: happened, Kind: volunteers.KindPhone, NextCheckOn: next}, f.staff, f.today); err != nil {
			t.Fatal(err)
		}
	}
	nextDue := f.group(t, "a-next-due", "selfrunning", time.Time{})
	log(nextDue, "2026-05-01", "2026-06-01")
	checkinDue := f.group(t, "b-checkin-due", "selfrunning", time.Date(2026, 2, 20, 12, 0, 0, 0, tz.Oslo)) // 3 months: 20 May
	log(checkinDue, "2026-05-01", "2026-07-01")
	both := f.group(t, "c-both", "selfrunning", time.Date(2025, 12, 10, 12, 0, 0, 0, tz.Oslo)) // 3: 10 Mar, 6: 10 Jun
	log(both, "2026-06-14", "2026-06-15")
	superseded := f.group(t, "d-superseded", "selfrunning", time.Time{})
	log(superseded, "2026-04-01", "2026-05-01")
	log(superseded, "2026-05-02", "")
	notYet := f.group(t, "e-not-yet", "selfrunning", time.Time{})
	log(notYet, "2026-06-10", "2026-06-16")
	recorded := f.group(t, "f-recorded", "selfrunning", time.Date(2026, 2, 1, 12, 0, 0, 0, tz.Oslo))
	if err := f.s.RecordCheckin(ctx, recorded, volunteers.CheckinForm{Months: "3", DoneOn: "2026-05-01", StillMeets: "yes"}, f.staff, f.today); err != nil {
		t.Fatal(err)
	}

	list, total, err := f.s.DueForFollowUp(ctx, f.today, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range list {
		names = append(names, g.Name)
	}
	if want := []string{"c-both", "b-checkin-due", "a-next-due"}; !slices.Equal(names, want) || total != 3 {
		t.Fatalf("due = %v (%d), want %v", names, total, want)
	}
	c := list[0]
	if !c.DueOn.Equal(date(2026, 3, 10)) || !slices.Equal(c.Checkins, []int{3, 6}) || c.NextCheckOn == nil ||
		!c.NextCheckOn.Equal(date(2026, 6, 15)) || c.LastFollowUp == nil || !c.LastFollowUp.Equal(date(2026, 6, 14)) {
		t.Errorf("c-both = %+v", c)
	}
	if a := list[2]; a.NextCheckOn == nil || len(a.Checkins) != 0 || !a.DueOn.Equal(date(2026, 6, 1)) {
		t.Errorf("a-next-due = %+v", a)
	}
	if b := list[1]; b.NextCheckOn != nil || !slices.Equal(b.Checkins, []int{3}) {
		t.Errorf("b-checkin-due = %+v", b)
	}
	page, total, err := f.s.DueForFollowUp(ctx, f.today, 1, 1)
	if err != nil || total != 3 || len(page) != 1 || page[0].Name != "b-checkin-due" {
		t.Errorf("second page of one = %+v, %d, %v", page, total, err)
	}
}

// Survival counts the recorded check-ins due in the year, per 3, 6 and 12 months: figures
// worked out by hand below.
func TestSurvival(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, tz.Oslo) }
	record := func(g int64, months, done, meets string) {
		t.Helper()
		if err := f.s.RecordCheckin(ctx, g, volunteers.CheckinForm{Months: months, DoneOn: done, StillMeets: meets}, f.staff, date(2027, 6, 1)); err != nil {
			t.Fatal(err)
		}
	}
	g1 := f.group(t, "g1", "selfrunning", at(2025, 12, 1)) // 3: 2026-03-01, 6: 2026-06-01, 12: 2026-12-01
	g2 := f.group(t, "g2", "selfrunning", at(2026, 2, 1))  // 3: 2026-05-01, 6: 2026-08-01, 12: 2027-02-01
	g3 := f.group(t, "g3", "closed", at(2025, 9, 1))       // 3: 2025-12-01, 6: 2026-03-01, 12: 2026-09-01
	f.group(t, "g4", "selfrunning", at(2026, 1, 1))        // nothing recorded
	record(g1, "3", "2026-03-02", "yes")
	record(g1, "6", "2026-06-03", "no")
	record(g1, "12", "2026-12-01", "no")
	record(g2, "3", "2026-05-01", "yes")
	record(g2, "6", "2026-08-01", "yes")
	record(g2, "12", "2027-02-01", "yes") // due in 2027
	record(g3, "3", "2025-12-01", "yes")  // due in 2025
	record(g3, "6", "2026-03-01", "no")
	record(g3, "12", "2026-09-01", "no")

	// 2026: 3 months: g1 yes, g2 yes → 2 checked, 2 meeting.
	//       6 months: g1 no, g2 yes, g3 no → 3 checked, 1 meeting.
	//       12 months: g1 no, g3 no → 2 checked, 0 meeting.
	want := []volunteers.SurvivalFigure{{Months: 3, Checked: 2, StillMeeting: 2}, {Months: 6, Checked: 3, StillMeeting: 1},
		{Months: 12, Checked: 2, StillMeeting: 0}}
	got, err := volunteers.Survival(ctx, f.db, 2026)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("2026 = %+v, %v; want %+v", got, err, want)
	}
	want = []volunteers.SurvivalFigure{{Months: 3, Checked: 1, StillMeeting: 1}, {Months: 6}, {Months: 12}}
	if got, _ = volunteers.Survival(ctx, f.db, 2025); !slices.Equal(got, want) {
		t.Errorf("2025 = %+v, want %+v", got, want)
	}
	want = []volunteers.SurvivalFigure{{Months: 3}, {Months: 6}, {Months: 12, Checked: 1, StillMeeting: 1}}
	if got, _ = volunteers.Survival(ctx, f.db, 2027); !slices.Equal(got, want) {
		t.Errorf("2027 = %+v, want %+v", got, want)
	}
}

// Groups in start-up without an active volunteer, the earliest start first.
func TestWithoutVolunteer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	late := f.group(t, "late", "startup", time.Date(2026, 6, 1, 12, 0, 0, 0, tz.Oslo))
	early := f.group(t, "early", "startup", time.Date(2026, 5, 1, 12, 0, 0, 0, tz.Oslo))
	withOne := f.group(t, "with-one", "startup", time.Date(2026, 4, 1, 12, 0, 0, 0, tz.Oslo))
	f.group(t, "running", "selfrunning", time.Date(2026, 3, 1, 12, 0, 0, 0, tz.Oslo))
	kari := f.volunteer(t, "Kari")
	if _, err := f.s.Assign(ctx, withOne, kari.ID, false, f.staff, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Assign(ctx, late, kari.ID, false, f.staff, f.now); err != nil {
		t.Fatal(err)
	}
	list, _ := f.s.Assignments(ctx, late)
	if err := f.s.EndAssignment(ctx, late, list[0].ID, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.PlanMeeting(ctx, early, volunteers.MeetingForm{Date: "2026-06-20", Time: "18:00"}); err != nil {
		t.Fatal(err)
	}
	got, total, err := f.s.WithoutVolunteer(ctx, 10, 0)
	if err != nil || total != 2 || len(got) != 2 || got[0].ID != early || got[1].ID != late || got[0].Meetings != 1 ||
		!got[0].StartedOn.Equal(date(2026, 5, 1)) {
		t.Errorf("without volunteer = %+v, %d, %v", got, total, err)
	}
}

func TestFollowUpLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "selfrunning", time.Time{})
	for _, c := range []struct {
		form       volunteers.FollowUpForm
		field, msg string
	}{
		{volunteers.FollowUpForm{Kind: "phone"}, "happened_on", "followup.date.required"},
		{volunteers.FollowUpForm{HappenedOn: "2026-06-16", Kind: "phone"}, "happened_on", "followup.date.future"},
		{volunteers.FollowUpForm{HappenedOn: "2026-06-15", Kind: "letter"}, "kind", "followup.kind.required"},
		{volunteers.FollowUpForm{HappenedOn: "2026-06-15", Kind: "phone", Note: string(make([]rune, 2001))}, "note", "form.tooLong"},
		{volunteers.FollowUpForm{HappenedOn: "2026-06-15", Kind: "phone", NextCheckOn: "neste uke"}, "next_check_on", "form.date.invalid"},
		{volunteers.FollowUpForm{HappenedOn: "2026-06-15", Kind: "phone", NextCheckOn: "2026-06-15"}, "next_check_on", "followup.next.beforeHappened"},
	} {
		_, err := f.s.AddFollowUp(ctx, g, c.form, f.staff, f.today)
		fieldError(t, err, c.field, c.msg)
	}
	for i, day := range []string{"2026-05-01", "2026-06-01", "2026-05-15"} {
		if _, err := f.s.AddFollowUp(ctx, g, volunteers.FollowUpForm{HappenedOn: day, Kind: volunteers.Kinds[i], Note: "Notat " + day}, f.staff, f.today); err != nil {
			t.Fatal(err)
		}
	}
	list, total, err := f.s.FollowUps(ctx, g, 2, 0)
	if err != nil || total != 3 || len(list) != 2 || list[0].Note != "Notat 2026-06-01" || list[1].Note != "Notat 2026-05-15" || list[0].By != "Stine Ansatt" {
		t.Errorf("newest first = %+v, %d, %v", list, total, err)
	}
	if _, err := f.s.AddFollowUp(ctx, 999999, volunteers.FollowUpForm{HappenedOn: "2026-06-01", Kind: "phone"}, f.staff, f.today); err == nil {
		t.Error("an entry for an unknown group was stored")
	}
}
