package volunteers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

func TestMeetingFormValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		form      volunteers.MeetingForm
		field, id string
	}{
		{volunteers.MeetingForm{Time: "18:00"}, "meeting_date", "followup.meetings.date.required"},
		{volunteers.MeetingForm{Date: "i morgen", Time: "18:00"}, "meeting_date", "form.date.invalid"},
		{volunteers.MeetingForm{Date: "2026-06-16"}, "meeting_time", "followup.meetings.time.required"},
		{volunteers.MeetingForm{Date: "2026-06-16", Time: "25:00"}, "meeting_time", "followup.meetings.time.invalid"},
		{volunteers.MeetingForm{Date: "2026-06-16", Time: "18:00", Note: string(make([]byte, 501))}, "meeting_note", "form.tooLong"},
	}
	for _, c := range cases {
		if got, ok := c.form.Validate().Get(c.field); !ok || got.Msg != c.id {
			t.Errorf("%+v: %v, want %s at %s", c.form, got, c.id, c.field)
		}
	}
}

// A start-up plans at most eight meetings; fewer than three is flagged; a meeting is held
// only once it has begun, and a held one stays.
func TestStartupMeetings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "startup", f.now)
	first := time.Date(2026, 6, 2, 18, 0, 0, 0, tz.Oslo)
	var ids []int64
	for i := range volunteers.MaxMeetings {
		day := first.AddDate(0, 0, 7*i)
		m, err := f.s.PlanMeeting(ctx, g, volunteers.MeetingForm{Date: day.Format(time.DateOnly), Time: "18:00"})
		if err != nil {
			t.Fatalf("meeting %d: %v", i+1, err)
		}
		if !m.PlannedOn.Equal(day) {
			t.Errorf("meeting %d planned on %v, want %v in Oslo", i+1, m.PlannedOn, day)
		}
		ids = append(ids, m.ID)
		if c := volunteers.CountMeetings(make([]volunteers.Meeting, i+1)); c.TooFew() != (i+1 < volunteers.MinMeetings) {
			t.Errorf("%d meetings: too few = %v", i+1, c.TooFew())
		}
	}
	_, err := f.s.PlanMeeting(ctx, g, volunteers.MeetingForm{Date: "2026-09-01", Time: "18:00"})
	fieldError(t, err, "meeting_date", "followup.meetings.max")
	// SQL: the database holds the limit too, whoever writes.
	if _, err := f.db.Exec(ctx, `INSERT INTO startup_meetings (group_id, planned_on) VALUES ($1, now())`, g); err == nil {
		t.Error("the database took a ninth meeting")
	}

	if err := f.s.SetMeetingHeld(ctx, g, ids[0], true, f.now); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetMeetingHeld(ctx, g, ids[3], true, f.now); !errors.Is(err, volunteers.ErrFutureMeeting) {
		t.Errorf("holding a meeting in the future: %v", err)
	}
	if err := f.s.SetMeetingHeld(ctx, g, 999999, true, f.now); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unknown meeting: %v", err)
	}
	if err := f.s.RemoveMeeting(ctx, g, ids[0]); !errors.Is(err, volunteers.ErrHeldMeeting) {
		t.Errorf("removing a held meeting: %v", err)
	}
	if err := f.s.RemoveMeeting(ctx, g, ids[7]); err != nil {
		t.Fatal(err)
	}
	list, err := f.s.Meetings(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if c := volunteers.CountMeetings(list); c.Planned != 7 || c.Held != 1 || c.Full() {
		t.Errorf("count = %+v", c)
	}
	if err := f.s.SetMeetingHeld(ctx, g, ids[0], false, f.now); err != nil {
		t.Fatal(err)
	}

	closed := f.group(t, "closed", "closed", time.Time{})
	_, err = f.s.PlanMeeting(ctx, closed, volunteers.MeetingForm{Date: "2026-09-01", Time: "18:00"})
	fieldError(t, err, "meeting_date", "followup.meetings.status")
	if _, err := f.s.PlanMeeting(ctx, 999999, volunteers.MeetingForm{Date: "2026-09-01", Time: "18:00"}); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unknown group: %v", err)
	}
}

// The handover sets the day, moves the group to self-running with a line in its history, and
// ends its volunteers' assignments, in one go; a second handover only corrects the day.
func TestHandoverSetsTheStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "g1", "startup", time.Date(2026, 3, 1, 12, 0, 0, 0, tz.Oslo))
	// SQL: a status change in the past.
	f.exec(t, `INSERT INTO group_status_history (group_id, status, changed_at) VALUES ($1, 'gathering', '2026-02-01')`, g)
	kari := f.volunteer(t, "Kari")
	if _, err := f.s.Assign(ctx, g, kari.ID, false, f.staff, f.now.AddDate(0, -3, 0)); err != nil {
		t.Fatal(err)
	}

	fieldError(t, f.s.Handover(ctx, g, "", f.staff, f.now), "handover_on", "followup.date.required")
	fieldError(t, f.s.Handover(ctx, g, "2026-06-16", f.staff, f.now), "handover_on", "followup.date.future")
	fieldError(t, f.s.Handover(ctx, g, "2026-02-28", f.staff, f.now), "handover_on", "followup.handover.beforeStart")
	before, _ := groups.NewStore(f.db).History(ctx, g)
	if err := f.s.Handover(ctx, g, "2026-06-10", f.staff, f.now); err != nil {
		t.Fatal(err)
	}
	grp, err := groups.NewStore(f.db).Get(ctx, g)
	if err != nil || grp.Status != groups.StatusSelfRunning {
		t.Fatalf("status after handover = %q, %v", grp.Status, err)
	}
	hist, _ := groups.NewStore(f.db).History(ctx, g)
	if len(hist) != len(before)+1 || hist[0].Status != groups.StatusSelfRunning || hist[0].ChangedBy != "Stine Ansatt" {
		t.Errorf("history = %+v", hist)
	}
	st, err := f.s.Start(ctx, g)
	if err != nil || st.HandoverOn == nil || !st.HandoverOn.Equal(date(2026, 6, 10)) || st.StartSet ||
		st.StartedOn == nil || !st.StartedOn.Equal(date(2026, 3, 1)) {
		t.Errorf("start = %+v, %v", st, err)
	}
	if n := f.count(t, `SELECT count(*) FROM group_volunteers WHERE group_id = $1 AND ended_at IS NULL`, g); n != 0 {
		t.Errorf("%d volunteers still assigned after the handover", n)
	}

	if err := f.s.Handover(ctx, g, "2026-06-11", f.staff, f.now); err != nil {
		t.Fatal(err)
	}
	if hist, _ := groups.NewStore(f.db).History(ctx, g); len(hist) != len(before)+1 {
		t.Errorf("a corrected handover wrote history: %+v", hist)
	}
	gathering := f.group(t, "g2", "gathering", time.Time{})
	fieldError(t, f.s.Handover(ctx, gathering, "2026-06-10", f.staff, f.now), "handover_on", "followup.handover.status")
	if err := f.s.Handover(ctx, 999999, "2026-06-10", f.staff, f.now); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unknown group: %v", err)
	}
}

// The start day defaults to the first change to start-up, counted in Oslo, and can be set
// and cleared.
func TestStartedOn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// 23:30 UTC on 31 January is 00:30 on 1 February in Oslo.
	g := f.group(t, "g1", "selfrunning", time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC))
	// SQL: a second change to start-up, later in the past.
	f.exec(t, `INSERT INTO group_status_history (group_id, status, changed_at) VALUES ($1, 'startup', '2026-04-01')`, g)
	st, err := f.s.Start(ctx, g)
	if err != nil || st.StartedOn == nil || !st.StartedOn.Equal(date(2026, 2, 1)) || st.StartSet {
		t.Fatalf("start from history = %+v, %v", st, err)
	}
	if err := f.s.SetStartedOn(ctx, g, "2026-01-15", f.today); err != nil {
		t.Fatal(err)
	}
	if st, _ = f.s.Start(ctx, g); !st.StartSet || !st.StartedOn.Equal(date(2026, 1, 15)) {
		t.Errorf("start set = %+v", st)
	}
	fieldError(t, f.s.SetStartedOn(ctx, g, "2026-06-16", f.today), "started_on", "followup.date.future")
	fieldError(t, f.s.SetStartedOn(ctx, g, "15/01/2026", f.today), "started_on", "form.date.invalid")
	if err := f.s.SetStartedOn(ctx, g, "", f.today); err != nil {
		t.Fatal(err)
	}
	if st, _ = f.s.Start(ctx, g); st.StartSet || !st.StartedOn.Equal(date(2026, 2, 1)) {
		t.Errorf("start cleared = %+v", st)
	}
	if err := f.s.SetStartedOn(ctx, 999999, "", f.today); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unknown group: %v", err)
	}
	never := f.group(t, "g2", "gathering", time.Time{})
	if st, _ = f.s.Start(ctx, never); st.StartedOn != nil {
		t.Errorf("a group that never started: %+v", st)
	}
}
