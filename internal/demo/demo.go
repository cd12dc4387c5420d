// Package demo fills a database with fictional but realistic data so the app feels real at
// first start. Every run is idempotent: rows are matched on their natural keys and never
// duplicated. No real person appears here.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
)

// Result counts what a run added.
type Result struct {
	Rooms        int
	Themes       int
	Orgs         int
	Groups       int
	Users        int
	Participants int
	Bookings     int
}

// String renders the counts for the command line.
func (r Result) String() string {
	return fmt.Sprintf("%d room(s), %d theme(s), %d organisation(s), %d group(s), %d user(s), %d waiting participant(s) and %d standing booking(s) added",
		r.Rooms, r.Themes, r.Orgs, r.Groups, r.Users, r.Participants, r.Bookings)
}

// DemoPassword is the password of every demo user. It exists only in databases seeded with
// demo data, which production never is.
const DemoPassword = "demo-selvhjelp-kirkeveien" // #nosec G101 -- the published password of fictional demo users

// AdminEmail is the demo administrator's login.
const AdminEmail = "admin@demo.selvhjelpshuset.test"

// Empty reports whether the database holds none of the data the demo adds, so that make run
// seeds a new database but leaves one alone that someone has worked in.
func Empty(ctx context.Context, db *pgxpool.Pool) (bool, error) {
	var empty bool
	err := db.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM rooms) AND NOT EXISTS (SELECT 1 FROM themes)`).Scan(&empty)
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return empty, nil
}

// HasAdmin reports whether the demo administrator exists, so make run can print its login.
func HasAdmin(ctx context.Context, db *pgxpool.Pool) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1 AND NOT disabled)`, AdminEmail).Scan(&ok)
	return ok, err
}

// Seed adds the demo data that is missing, in one transaction.
func Seed(ctx context.Context, db *pgxpool.Pool) (Result, error) {
	var res Result
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		if res.Rooms, err = seedRooms(ctx, tx); err != nil {
			return err
		}
		if res.Themes, err = seedThemes(ctx, tx); err != nil {
			return err
		}
		if res.Orgs, err = seedOrgs(ctx, tx); err != nil {
			return err
		}
		if res.Groups, err = seedGroups(ctx, tx); err != nil {
			return err
		}
		if res.Participants, err = seedParticipants(ctx, tx); err != nil {
			return err
		}
		if res.Bookings, err = seedBookings(ctx, tx, time.Now()); err != nil {
			return err
		}
		if _, err = seedKeys(ctx, tx); err != nil {
			return err
		}
		if res.Users, err = seedUsers(ctx, tx); err != nil {
			return err
		}
		if err := seedRequests(ctx, tx, time.Now()); err != nil {
			return err
		}
		if err := seedEvents(ctx, tx, time.Now()); err != nil {
			return err
		}
		if err := SeedVolunteers(ctx, tx); err != nil {
			return err
		}
		if err := seedPastYear(ctx, tx, time.Now()); err != nil {
			return err
		}
		if err := seedThisYear(ctx, tx, time.Now()); err != nil {
			return err
		}
		return seedOutreach(ctx, tx, time.Now())
	})
	if err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	return res, nil
}

type room struct {
	name                                     string
	capacity                                 int
	stepFree, loop, screen, camera, bookable bool
}

// rooms are the meeting rooms on the 6th floor of Kirkeveien 61, with made-up names, and
// their facilities: the two large rooms are set up for hybrid meetings, Lindehjørnet has a
// screen for slides but no camera.
var rooms = []room{
	{"Bjørkerommet", 14, true, true, true, true, true},
	{"Furustua", 10, true, false, false, false, true},
	{"Lindehjørnet", 6, true, true, true, false, true},
	{"Ospesalen", 24, true, true, true, true, true},
	{"Stillerommet", 3, true, false, false, false, false},
}

func seedRooms(ctx context.Context, tx pgx.Tx) (int, error) {
	added := 0
	for _, r := range rooms {
		tag, err := tx.Exec(ctx, `INSERT INTO rooms (name, floor, capacity, step_free, hearing_loop, screen, camera, bookable)
			VALUES ($1, 6, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING`,
			r.name, r.capacity, r.stepFree, r.loop, r.screen, r.camera, r.bookable)
		if err != nil {
			return added, fmt.Errorf("room %s: %w", r.name, err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

type theme struct {
	slug, nb, en, descNB, descEN string
}

// themes are the themes self-help groups in Oslo commonly gather around.
var themes = []theme{
	{"angst", "Angst og uro", "Anxiety and worry",
		"For deg som kjenner på angst, panikk eller uro i hverdagen.",
		"For you who live with anxiety, panic or unease in everyday life."},
	{"depresjon", "Depresjon og tungsinn", "Depression and low mood",
		"For deg som har det tungt over tid, eller har vært deprimert.",
		"For you who have felt low for a long time, or have been depressed."},
	{"ensomhet", "Ensomhet", "Loneliness",
		"For deg som savner noen å snakke med og være sammen med.",
		"For you who miss someone to talk to and spend time with."},
	{"sorg", "Sorg og tap", "Grief and loss",
		"For deg som har mistet noen som sto deg nær.",
		"For you who have lost someone close to you."},
	{"parorende", "Pårørende", "Family and carers",
		"For deg som står nær noen som er syk, har en avhengighet eller sliter psykisk.",
		"For you who are close to someone who is ill, has an addiction or struggles with mental health."},
	{"rus-og-avhengighet", "Rus og avhengighet", "Alcohol, drugs and addiction",
		"For deg som vil leve uten rus eller annen avhengighet, blant annet tolvtrinnsmøter.",
		"For you who want to live free of alcohol, drugs or other addictions, including twelve-step meetings."},
	{"utbrenthet", "Stress og utbrenthet", "Stress and burnout",
		"For deg som er utslitt, sykmeldt eller på vei tilbake til jobb eller studier.",
		"For you who are worn out, on sick leave or on your way back to work or studies."},
	{"spiseforstyrrelser", "Spiseforstyrrelser", "Eating disorders",
		"For deg som strever med mat, kropp og vekt.",
		"For you who struggle with food, body and weight."},
	{"kronisk-sykdom", "Kronisk sykdom og smerte", "Chronic illness and pain",
		"For deg som lever med en langvarig sykdom eller smerter.",
		"For you who live with a long-term illness or pain."},
	{"traumer", "Traumer og vonde erfaringer", "Trauma and painful experiences",
		"For deg som bærer på vonde opplevelser, for eksempel vold eller overgrep.",
		"For you who carry painful experiences, such as violence or abuse."},
	{"samlivsbrudd", "Samlivsbrudd", "Separation and divorce",
		"For deg som har gått gjennom et brudd eller en skilsmisse.",
		"For you who have been through a break-up or a divorce."},
	{"ny-i-norge", "Ny i Norge", "New in Norway",
		"For deg som er ny i Norge og vil bli kjent med andre i samme situasjon.",
		"For you who are new in Norway and want to meet others in the same situation."},
}

func seedThemes(ctx context.Context, tx pgx.Tx) (int, error) {
	added := 0
	for _, t := range themes {
		tag, err := tx.Exec(ctx, `INSERT INTO themes (slug, name_nb, name_en, description_nb, description_en)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING`, t.slug, t.nb, t.en, t.descNB, t.descEN)
		if err != nil {
			return added, fmt.Errorf("theme %s: %w", t.slug, err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

type org struct {
	name string
	kind orgs.Kind
}

// networkOrgs are members of the Oslo self-help network (public information).
var networkOrgs = []org{
	{"Angstringen", orgs.Voluntary},
	{"Fontenehuset Oslo Øst", orgs.NonProfit},
	{"Spiseforstyrrelsesforeningen", orgs.Voluntary},
	{"Landsforeningen for posttraumatisk stresslidelse (PTSD Norge)", orgs.Voluntary},
	{"Oslo Røde Kors", orgs.Voluntary},
	{"Mestring, aktivitet og samspill (MAS)", orgs.NonProfit},
}

func seedOrgs(ctx context.Context, tx pgx.Tx) (int, error) {
	added := 0
	for _, o := range networkOrgs {
		// Members of the network; a collaboration agreement for the current year, a fictional
		// contact (the .test domain never receives mail).
		tag, err := tx.Exec(ctx, `INSERT INTO orgs (name, kind, network_member, agreement_signed, agreement_expires, contact_name, contact_email)
			VALUES ($1, $2, true, date_trunc('year', now())::date, (date_trunc('year', now()) + interval '1 year - 1 day')::date,
				'Kontaktperson ' || split_part($1, ' ', 1), 'post@' || lower(regexp_replace(split_part($1, ' ', 1), '[^a-zA-Z]', '', 'g')) || '.demo.test')
			ON CONFLICT (name) DO NOTHING`, o.name, o.kind)
		if err != nil {
			return added, fmt.Errorf("org %s: %w", o.name, err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

type demoUser struct {
	email, name string
	role        auth.Role
	org         string
}

// demoUsers are fictional people; the domain .test never receives mail.
var demoUsers = []demoUser{
	{AdminEmail, "Ada Administrator", auth.Admin, ""},
	{"stine@demo.selvhjelpshuset.test", "Stine Ansatt", auth.Staff, ""},
	{"per@angstringen.demo.test", "Per Partner", auth.Partner, "Angstringen"},
	{"mona@fontenehuset.demo.test", "Mona Medlem", auth.Partner, "Fontenehuset Oslo Øst"},
}

func seedUsers(ctx context.Context, tx pgx.Tx) (int, error) {
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, u := range demoUsers {
		tag, err := tx.Exec(ctx, `INSERT INTO users (email, name, role, org_id, password_hash)
			VALUES ($1, $2, $3, (SELECT id FROM orgs WHERE name = NULLIF($4, '')), $5) ON CONFLICT (email) DO NOTHING`,
			u.email, u.name, u.role, u.org, hash)
		if err != nil {
			return added, fmt.Errorf("user %s: %w", u.email, err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}
