package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

// demoVolunteer is a fictional volunteer starter. Days are relative to the run.
type demoVolunteer struct {
	name, email, phone string
	trainedMonthsAgo   int
	availability       []string
	themes             []string // slugs of demo themes
	inactive           bool
}

// demoVolunteers carry made-up names and numbers that are not in use.
var demoVolunteers = []demoVolunteer{
	{"Hanne Eksempel", "hanne@example.no", "+4790000011", 14, []string{"2-evening", "3-evening"}, []string{"utbrenthet"}, false},
	{"Jonas Eksempel", "", "+4790000012", 8, []string{"1-evening", "4-evening"}, []string{"sorg"}, false},
	{"Sigrid Prøvesen", "sigrid@example.no", "", 2, []string{"7-evening"}, []string{"angst", "samlivsbrudd"}, false},
	{"Eirik Demo", "eirik@example.no", "", 36, nil, nil, true},
}

// SeedVolunteers adds the demo volunteer starters and the start-up and follow-up of some demo
// groups: a volunteer and four meetings for the group in start-up, "Etter bruddet" moved into
// start-up without a volunteer, and for groups that run themselves (or pause) a start day,
// a handover, earlier volunteers, log entries and check-ins, some of them due. It does
// nothing when there are volunteers already, or when the demo groups are missing.
func SeedVolunteers(ctx context.Context, tx pgx.Tx) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM volunteers)`).Scan(&exists); err != nil {
		return fmt.Errorf("volunteers: %w", err)
	}
	if exists {
		return nil
	}
	s := seeder{ctx: ctx, tx: tx, store: volunteers.NewStore(tx), now: time.Now()}
	s.today = volunteers.Today(s.now)
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT id FROM users WHERE email = 'stine@demo.selvhjelpshuset.test'), 0)`).Scan(&s.staff); err != nil {
		return fmt.Errorf("volunteers: staff: %w", err)
	}
	ids := map[string]int64{}
	for _, v := range demoVolunteers {
		id, err := s.volunteer(v)
		if err != nil {
			return fmt.Errorf("volunteer %s: %w", v.name, err)
		}
		ids[v.name] = id
	}
	for _, step := range []func(map[string]int64) error{s.startup, s.history} {
		if err := step(ids); err != nil {
			return fmt.Errorf("volunteers: %w", err)
		}
	}
	return nil
}

// seeder holds what every step of SeedVolunteers needs.
type seeder struct {
	ctx        context.Context
	tx         pgx.Tx
	store      *volunteers.Store
	now, today time.Time
	staff      int64 // the demo staff member, 0 when not there
}

// day is today plus months and days, as a form writes it.
func (s seeder) day(months, days int) string {
	return s.today.AddDate(0, months, days).Format(time.DateOnly)
}

func (s seeder) volunteer(v demoVolunteer) (int64, error) {
	var themes []int64
	rows, err := s.tx.Query(s.ctx, `SELECT id FROM themes WHERE slug = ANY($1)`, v.themes)
	if err != nil {
		return 0, err
	}
	if themes, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return 0, err
	}
	got, err := s.store.Create(s.ctx, volunteers.Form{Name: v.name, Email: v.email, Phone: v.phone,
		TrainedOn: s.day(-v.trainedMonthsAgo, 0), Availability: v.availability, Active: !v.inactive, Themes: themes}, s.today)
	return got.ID, err
}

// group returns the id and status of the demo group with slug; 0 when it is missing.
func (s seeder) group(slug string) (int64, string, error) {
	var id int64
	var status string
	err := s.tx.QueryRow(s.ctx, `SELECT id, status FROM groups WHERE slug = $1`, slug).Scan(&id, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", nil
	}
	return id, status, err
}

// startup gives the group in start-up a volunteer and four meetings, two of them held, and
// moves "Etter bruddet" into start-up with one meeting planned and no volunteer yet.
func (s seeder) startup(ids map[string]int64) error {
	sorg, status, err := s.group("sorggruppe-onsdag")
	if err != nil {
		return err
	}
	if sorg != 0 && status == groups.StatusStartup {
		if _, err := s.store.Assign(s.ctx, sorg, ids["Hanne Eksempel"], true, s.staff, s.now.AddDate(0, 0, -21)); err != nil {
			return fmt.Errorf("assign: %w", err)
		}
		for i, days := range []int{-21, -7, 7, 21} {
			m, err := s.store.PlanMeeting(s.ctx, sorg, volunteers.MeetingForm{Date: s.day(0, days), Time: "17:30"})
			if err != nil {
				return fmt.Errorf("meeting: %w", err)
			}
			if i < 2 {
				if err := s.store.SetMeetingHeld(s.ctx, sorg, m.ID, true, s.now); err != nil {
					return fmt.Errorf("meeting held: %w", err)
				}
			}
		}
	}
	brudd, status, err := s.group("etter-bruddet")
	if err != nil || brudd == 0 || status != groups.StatusGathering {
		return err
	}
	if err := groups.NewStore(s.tx).SetStatus(s.ctx, brudd, groups.StatusStartup, s.staff, "Demodata"); err != nil {
		return fmt.Errorf("etter-bruddet: %w", err)
	}
	_, err = s.store.PlanMeeting(s.ctx, brudd, volunteers.MeetingForm{Date: s.day(0, 10), Time: "19:00"})
	return err
}

// demoHistory is the follow-up of a demo group that has run for a while.
type demoHistory struct {
	slug                          string
	startedMonthsAgo, handoverAgo int
	volunteer                     string         // who started it
	checkins                      map[int]string // months: answer
	logs                          []demoLog
}

// demoLog is a follow-up entry monthsAgo months ago; nextDays is its next check from today
// (0: none).
type demoLog struct {
	monthsAgo int
	kind      string
	note      string
	nextDays  int
}

// demoHistories leave one group with a due check-in and one with a due next check.
var demoHistories = []demoHistory{
	{"stress-formiddag", 14, 11, "Jonas Eksempel", map[int]string{3: volunteers.Yes, 6: volunteers.Yes, 12: volunteers.Yes},
		[]demoLog{
			{12, volunteers.KindContactMeeting, "Overleveringsmøte. Gruppa har fast ordstyrer og egne regler.", 0},
			{4, volunteers.KindPhone, "Kontaktpersonen sier at gruppa er stabil med seks faste.", -7},
		}},
	{"angst-tirsdag-kveld", 7, 4, "Hanne Eksempel", map[int]string{3: volunteers.Yes},
		[]demoLog{
			{5, volunteers.KindVisit, "Besøkte gruppa. God stemning, noen nye har kommet til.", 0},
			{1, volunteers.KindEmail, "Gruppa ønsker en kveld om å ta imot nye deltakere.", 30},
		}},
	{"depresjon-mandag", 10, 7, "", map[int]string{3: volunteers.Yes, 6: volunteers.No},
		[]demoLog{{2, volunteers.KindPhone, "Gruppa tar pause til flere kan møte fast. Vi snakkes igjen.", 14}}},
}

// history gives the groups of demoHistories their start, handover, earlier volunteer, log
// entries and check-ins, each recorded on the day it was due.
func (s seeder) history(ids map[string]int64) error {
	for _, h := range demoHistories {
		id, _, err := s.group(h.slug)
		if err != nil {
			return err
		}
		if id == 0 {
			continue
		}
		if err := s.store.SetStartedOn(s.ctx, id, s.day(-h.startedMonthsAgo, 0), s.today); err != nil {
			return fmt.Errorf("%s: start: %w", h.slug, err)
		}
		if h.volunteer != "" {
			if _, err := s.tx.Exec(s.ctx, `INSERT INTO group_volunteers (group_id, volunteer_id, assigned_at, ended_at, assigned_by)
				VALUES ($1, $2, $3, $4, NULLIF($5, 0))`, id, ids[h.volunteer], s.now.AddDate(0, -h.startedMonthsAgo, 0),
				s.now.AddDate(0, -h.handoverAgo, 0), s.staff); err != nil {
				return fmt.Errorf("%s: volunteer: %w", h.slug, err)
			}
		}
		if _, err := s.tx.Exec(s.ctx, `UPDATE groups SET handover_on = $2 WHERE id = $1`, id, s.day(-h.handoverAgo, 0)); err != nil {
			return fmt.Errorf("%s: handover: %w", h.slug, err)
		}
		for _, l := range h.logs {
			f := volunteers.FollowUpForm{HappenedOn: s.day(-l.monthsAgo, 0), Kind: l.kind, Note: l.note}
			if l.nextDays != 0 {
				f.NextCheckOn = s.day(0, l.nextDays)
			}
			if _, err := s.store.AddFollowUp(s.ctx, id, f, s.staff, s.today); err != nil {
				return fmt.Errorf("%s: log: %w", h.slug, err)
			}
		}
		for months, answer := range h.checkins {
			done := volunteers.DueOn(s.today.AddDate(0, -h.startedMonthsAgo, 0), months).Format(time.DateOnly)
			f := volunteers.CheckinForm{Months: strconv.Itoa(months), DoneOn: done, StillMeets: answer}
			if err := s.store.RecordCheckin(s.ctx, id, f, s.staff, s.today); err != nil {
				return fmt.Errorf("%s: check-in %d: %w", h.slug, months, err)
			}
		}
	}
	return nil
}
