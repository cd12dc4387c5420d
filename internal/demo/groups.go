package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// demoGroup is a group of the demo catalogue. Zero values take the usual choice: every
// week, Norwegian, eight places, open, running itself, published, run by LINK Oslo.
type demoGroup struct {
	slug, name, kind, format, platform, venue string
	weekday                                   int
	starts, ends                              string
	biweekly                                  bool
	language                                  string
	capacity                                  int
	closed                                    bool // takes no new members
	status                                    string
	twelveStep                                bool
	org                                       string // name of the organising partner
	themes                                    []string
	descNB, descEN                            string
	draft                                     bool // not published
	members                                   int  // fictional members, to show a full group
}

// demoGroups spread over themes, kinds, formats, days and times. Twelve-step meetings carry
// generic names: the fellowships are public organisations; they are open meetings (drop-in).
var demoGroups = []demoGroup{
	{slug: "angst-tirsdag-kveld", name: "Angst og uro – tirsdag kveld", kind: "selfhelp", format: "house", weekday: 2,
		starts: "18:00", ends: "19:30", themes: []string{"angst"},
		descNB: "En selvhjelpsgruppe for deg som kjenner på angst eller uro. Vi deler erfaringer og støtter hverandre.",
		descEN: "A self-help group for you who live with anxiety or worry. We share experiences and support each other."},
	{slug: "angst-pa-nett", name: "Angst på nett", kind: "selfhelp", format: "digital", platform: "zoom", weekday: 4,
		starts: "19:00", ends: "20:30", status: "gathering", org: "Angstringen", themes: []string{"angst"},
		descNB: "Digital selvhjelpsgruppe for deg som heller vil være med hjemmefra.",
		descEN: "An online self-help group for you who would rather join from home."},
	{slug: "sorggruppe-onsdag", name: "Sorggruppe onsdag", kind: "selfhelp", format: "house", weekday: 3,
		starts: "17:30", ends: "19:00", biweekly: true, status: "startup", themes: []string{"sorg"},
		descNB: "For deg som har mistet noen som sto deg nær. Gruppa møtes annenhver uke.",
		descEN: "For you who have lost someone close to you. The group meets every other week."},
	{slug: "parorendegruppa", name: "Pårørendegruppa", kind: "selfhelp", format: "hybrid", platform: "zoom", weekday: 1,
		starts: "18:00", ends: "19:30", themes: []string{"parorende", "rus-og-avhengighet"},
		descNB: "For deg som står nær noen med psykiske plager eller en avhengighet. Du kan være med i rommet eller på Zoom."},
	{slug: "aa-mote-majorstua", name: "AA-møte Majorstua", kind: "selfhelp", format: "house", weekday: 1,
		starts: "19:00", ends: "20:00", twelveStep: true, capacity: 30, themes: []string{"rus-og-avhengighet"},
		descNB: "Åpent tolvtrinnsmøte for alle som ønsker å slutte å drikke."},
	{slug: "na-mote-torsdag", name: "NA-møte torsdag", kind: "selfhelp", format: "house", weekday: 4,
		starts: "18:30", ends: "20:00", twelveStep: true, capacity: 30, themes: []string{"rus-og-avhengighet"},
		descNB: "Tolvtrinnsmøte for deg som vil leve uten rusmidler."},
	{slug: "al-anon-sondag", name: "Al-Anon-møte søndag", kind: "selfhelp", format: "house", weekday: 7,
		starts: "17:00", ends: "18:30", twelveStep: true, capacity: 25, themes: []string{"parorende"},
		descNB: "Tolvtrinnsmøte for familie og venner av noen som drikker."},
	{slug: "aa-meeting-in-english", name: "AA meeting in English", kind: "selfhelp", format: "house", weekday: 6,
		starts: "11:00", ends: "12:00", twelveStep: true, capacity: 30, language: "en", themes: []string{"rus-og-avhengighet"},
		descNB: "Åpent AA-møte på engelsk.", descEN: "An open AA meeting in English, for anyone who wants to stop drinking."},
	{slug: "kaffetreff-pa-nett", name: "Kaffetreff på nett", kind: "coffee", format: "digital", platform: "whereby", weekday: 5,
		starts: "10:00", ends: "11:00", capacity: 3, members: 3, themes: []string{"ensomhet"},
		descNB: "Et uformelt digitalt kaffetreff. Ta med en kopp og slå av en prat."},
	{slug: "new-in-oslo", name: "New in Oslo – conversation group", kind: "conversation", format: "house", weekday: 3,
		starts: "12:30", ends: "14:00", language: "en", themes: []string{"ny-i-norge", "ensomhet"},
		descNB: "Samtalegruppe på engelsk for deg som er ny i Norge.",
		descEN: "A conversation group in English for you who are new in Norway."},
	{slug: "stress-formiddag", name: "Stress og utbrenthet – formiddag", kind: "selfhelp", format: "house", weekday: 2,
		starts: "10:00", ends: "11:30", themes: []string{"utbrenthet"},
		descNB: "For deg som er utslitt eller sykmeldt og vil møte andre i samme situasjon på dagtid."},
	{slug: "spiseforstyrrelser-samtale", name: "Samtalegruppe om spiseforstyrrelser", kind: "conversation", format: "partner",
		venue: "Spiseforstyrrelsesforeningens lokaler, Oslo sentrum", weekday: 4, starts: "17:00", ends: "18:30",
		org: "Spiseforstyrrelsesforeningen", themes: []string{"spiseforstyrrelser"}},
	{slug: "fontenehuset-kaffe-og-prat", name: "Kaffe og prat på Fontenehuset", kind: "coffee", format: "partner",
		venue: "Fontenehuset Oslo Øst", weekday: 3, starts: "13:00", ends: "14:00", capacity: 15,
		org: "Fontenehuset Oslo Øst", themes: []string{"ensomhet"}},
	{slug: "kronisk-smerte-digital", name: "Kronisk smerte – digital gruppe", kind: "selfhelp", format: "digital", platform: "zoom",
		weekday: 1, starts: "12:00", ends: "13:30", closed: true, themes: []string{"kronisk-sykdom"},
		descNB: "Gruppa er lukket for nye, men meld gjerne interesse for temaet."},
	{slug: "depresjon-mandag", name: "Depresjon – mandager", kind: "selfhelp", format: "house", weekday: 1,
		starts: "18:00", ends: "19:30", status: "paused", themes: []string{"depresjon"}},
	{slug: "ptsd-gruppe", name: "Etter vonde opplevelser", kind: "selfhelp", format: "partner",
		venue: "PTSD Norges møterom, Oslo", weekday: 2, starts: "19:00", ends: "20:30",
		org: "Landsforeningen for posttraumatisk stresslidelse (PTSD Norge)", themes: []string{"traumer"}},
	{slug: "etter-bruddet", name: "Etter bruddet", kind: "selfhelp", format: "digital", platform: "zoom", weekday: 7,
		starts: "19:00", ends: "20:30", biweekly: true, status: "gathering", themes: []string{"samlivsbrudd"}},
	{slug: "ensomhet-eldre-formiddag", name: "Ensomhet – formiddagsgruppe", kind: "selfhelp", format: "house", weekday: 5,
		starts: "11:00", ends: "12:30", status: "gathering", draft: true, themes: []string{"ensomhet"},
		descNB: "Under planlegging: ikke publisert ennå."},
}

// seedGroups adds the demo groups that are missing, with their themes, a status history
// line and, for a full group, fictional members. Idempotent by slug.
func seedGroups(ctx context.Context, tx pgx.Tx) (int, error) {
	added := 0
	for _, g := range demoGroups {
		id, err := insertGroup(ctx, tx, g)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // already there
		}
		if err != nil {
			return added, fmt.Errorf("group %s: %w", g.slug, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO group_themes (group_id, theme_id) SELECT $1, id FROM themes WHERE slug = ANY($2)`,
			id, g.themes); err != nil {
			return added, fmt.Errorf("group %s: themes: %w", g.slug, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO group_status_history (group_id, status, note) VALUES ($1, $2, 'Demodata')`,
			id, or(g.status, "selfrunning")); err != nil {
			return added, fmt.Errorf("group %s: history: %w", g.slug, err)
		}
		if err := seedMembers(ctx, tx, id, g); err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}

func insertGroup(ctx context.Context, tx pgx.Tx, g demoGroup) (int64, error) {
	frequency, capacity := "weekly", g.capacity
	if g.biweekly {
		frequency = "biweekly"
	}
	if capacity == 0 {
		capacity = 8
	}
	// A group meeting online has a fictional meeting link, which only its members see.
	link := ""
	if g.format == "digital" || g.format == "hybrid" {
		link = "https://" + or(g.platform, "whereby") + ".example.org/demo/" + g.slug
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO groups (slug, name, kind, format, platform, venue, weekday, starts_at, ends_at,
			frequency, language, capacity, open, status, twelve_step, org_id, description_nb, description_en, published, meeting_link,
			open_meeting)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::time, $9::time, $10, $11, $12, $13, $14, $15,
			(SELECT id FROM orgs WHERE name = NULLIF($16, '')), $17, $18, $19, $20, $15)
		ON CONFLICT (slug) DO NOTHING RETURNING id`,
		g.slug, g.name, g.kind, g.format, g.platform, g.venue, g.weekday, g.starts, g.ends, frequency, or(g.language, "nb"),
		capacity, !g.closed, or(g.status, "selfrunning"), g.twelveStep, g.org, g.descNB, g.descEN, !g.draft, link).Scan(&id)
	return id, err
}

// memberNames are the first names of the fictional members.
var memberNames = []string{"Liv", "Geir", "Randi", "Arne"}

// seedMembers gives the group its fictional members; the domain .test receives no mail.
func seedMembers(ctx context.Context, tx pgx.Tx, groupID int64, g demoGroup) error {
	for i := range g.members {
		var pid int64
		err := tx.QueryRow(ctx, `INSERT INTO participants (first_name, email) VALUES ($1, $2)
			ON CONFLICT (email) WHERE email IS NOT NULL DO UPDATE SET first_name = participants.first_name RETURNING id`,
			memberNames[i%len(memberNames)], fmt.Sprintf("medlem.%s.%d@deltaker.demo.test", g.slug, i+1)).Scan(&pid)
		if err != nil {
			return fmt.Errorf("group %s: member: %w", g.slug, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (group_id, participant_id) VALUES ($1, $2)
			ON CONFLICT (group_id, participant_id) WHERE left_at IS NULL DO NOTHING`, groupID, pid); err != nil {
			return fmt.Errorf("group %s: membership: %w", g.slug, err)
		}
	}
	return nil
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
