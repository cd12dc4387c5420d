// Package groups holds the themes and the groups of the catalogue: self-help groups,
// conversation groups and coffee meetups, their schedule, format and status.
package groups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Kinds of group.
const (
	KindSelfHelp     = "selfhelp"
	KindConversation = "conversation"
	KindCoffee       = "coffee"
)

// Kinds lists the kinds in the order they are offered.
var Kinds = []string{KindSelfHelp, KindConversation, KindCoffee}

// Formats: where a group meets.
const (
	FormatHouse   = "house"   // at Kirkeveien 61
	FormatDigital = "digital" // Zoom or Whereby
	FormatHybrid  = "hybrid"
	FormatPartner = "partner" // at a partner's venue
)

// Formats lists the formats in the order they are offered.
var Formats = []string{FormatHouse, FormatDigital, FormatHybrid, FormatPartner}

// Platforms are the video services a digital or hybrid group may use; "" is none named.
var Platforms = []string{"", "zoom", "whereby"}

// Frequencies: every week or every second week.
var Frequencies = []string{"weekly", "biweekly"}

// Statuses of a group, in the order of its life: gathering people, start-up with a volunteer
// starter, running itself, paused, closed.
const (
	StatusGathering   = "gathering"
	StatusStartup     = "startup"
	StatusSelfRunning = "selfrunning"
	StatusPaused      = "paused"
	StatusClosed      = "closed"
)

// Statuses lists the statuses in the order of a group's life.
var Statuses = []string{StatusGathering, StatusStartup, StatusSelfRunning, StatusPaused, StatusClosed}

// Parts of the day, by the time a group starts: morning before 12, afternoon 12–17, evening
// from 17. The same words are used by sign-up preferences.
const (
	Morning   = "morning"
	Afternoon = "afternoon"
	Evening   = "evening"
)

// DayParts lists the parts of the day in order.
var DayParts = []string{Morning, Afternoon, Evening}

// dayPartBounds are the start times (inclusive, exclusive) of each part of the day.
var dayPartBounds = map[string][2]time.Duration{
	Morning:   {0, 12 * time.Hour},
	Afternoon: {12 * time.Hour, 17 * time.Hour},
	Evening:   {17 * time.Hour, 24 * time.Hour},
}

// DayPartOf returns the part of the day a group starting at start belongs to.
func DayPartOf(start time.Duration) string {
	for _, p := range DayParts {
		if b := dayPartBounds[p]; start >= b[0] && start < b[1] {
			return p
		}
	}
	return Evening
}

// Theme is what a group is about.
type Theme struct {
	ID            int64
	Slug          string
	NameNB        string
	NameEN        string
	DescriptionNB string
	DescriptionEN string
	Published     bool
}

// Name returns the theme's name in lang.
func (t Theme) Name(lang i18n.Lang) string {
	if lang == i18n.EN && t.NameEN != "" {
		return t.NameEN
	}
	return t.NameNB
}

// Description returns the theme's description in lang, or the Norwegian one when there is
// no English text.
func (t Theme) Description(lang i18n.Lang) string {
	if lang == i18n.EN && t.DescriptionEN != "" {
		return t.DescriptionEN
	}
	return t.DescriptionNB
}

// Group is one group of the catalogue.
type Group struct {
	ID            int64
	Slug          string
	Name          string
	Kind          string
	Format        string
	Platform      string
	Venue         string
	Weekday       int           // ISO: 1 is Monday
	StartsAt      time.Duration // since local midnight
	EndsAt        time.Duration
	Frequency     string // weekly or biweekly
	Language      string
	Capacity      int
	Open          bool
	Status        string
	TwelveStep    bool
	OpenMeeting   bool // drop-in: anyone may come without signing up (see OpenMeeting)
	OrgID         *int64
	OrgName       string
	DescriptionNB string
	DescriptionEN string
	Published     bool
	Members       int // active members, for places left
	Themes        []Theme
	Updated       time.Time // the last change of the group's own fields
}

// PlacesLeft is how many more members the group takes; 0 when it is closed or full, and for
// an open meeting, which has no members to take: people just come.
func (g Group) PlacesLeft() int {
	if !g.Open || g.OpenMeeting || g.Status == StatusClosed || g.Status == StatusPaused {
		return 0
	}
	return max(g.Capacity-g.Members, 0)
}

// TakesMembers reports whether the group has room for one more member now.
func (g Group) TakesMembers() bool { return g.PlacesLeft() > 0 }

// What the catalogue says about places: never how many people are in a group.
const (
	Places    = "places" // takes members
	Full      = "full"   // open, but every place is taken
	NotTaking = "closed" // closed to new members, paused or ended
	DropIn    = "dropin" // an open meeting: come along, no sign-up
)

// Availability says whether the group has places, is full, takes no one now, or is an open
// meeting that needs no sign-up.
func (g Group) Availability() string {
	switch {
	case g.OpenMeeting && g.Status != StatusClosed && g.Status != StatusPaused:
		return DropIn
	case !g.Open || g.Status == StatusClosed || g.Status == StatusPaused:
		return NotTaking
	case g.Members >= g.Capacity:
		return Full
	}
	return Places
}

// Welcoming reports whether a newcomer can join the group now: it has a place left, or it is
// an open meeting anyone may come to. The catalogue lists these groups first.
func (g Group) Welcoming() bool {
	a := g.Availability()
	return a == Places || a == DropIn
}

// Description returns the group's description in lang, or the Norwegian one.
func (g Group) Description(lang i18n.Lang) string {
	if lang == i18n.EN && g.DescriptionEN != "" {
		return g.DescriptionEN
	}
	return g.DescriptionNB
}

// Store reads and changes themes and groups.
type Store struct{ db postgres.DBTX }

// NewStore returns a Store on db.
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

const themeColumns = `id, slug, name_nb, name_en, description_nb, description_en, published`

// groupColumns are read by scanGroup, in this order, from groups g LEFT JOIN orgs o.
const groupColumns = `g.id, g.slug, g.name, g.kind, g.format, g.platform, g.venue, g.weekday, g.starts_at, g.ends_at,
	g.frequency, g.language, g.capacity, g.open, g.status, g.twelve_step, g.org_id, coalesce(o.name, ''),
	g.description_nb, g.description_en, g.published, g.open_meeting, g.updated_at,
	(SELECT count(*)::int FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL)`

// scanGroup reads groupColumns, then extra destinations.
func scanGroup(row pgx.Row, extra ...any) (Group, error) {
	var g Group
	var starts, ends pgtype.Time
	dest := []any{&g.ID, &g.Slug, &g.Name, &g.Kind, &g.Format, &g.Platform, &g.Venue, &g.Weekday, &starts, &ends,
		&g.Frequency, &g.Language, &g.Capacity, &g.Open, &g.Status, &g.TwelveStep, &g.OrgID, &g.OrgName,
		&g.DescriptionNB, &g.DescriptionEN, &g.Published, &g.OpenMeeting, &g.Updated, &g.Members}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return g, err
	}
	g.StartsAt = time.Duration(starts.Microseconds) * time.Microsecond
	g.EndsAt = time.Duration(ends.Microseconds) * time.Microsecond
	return g, nil
}

// clock is d since midnight as a value for a time column.
func clock(d time.Duration) pgtype.Time {
	return pgtype.Time{Microseconds: d.Microseconds(), Valid: true}
}

// PublishedTheme returns the published theme with slug.
func (s *Store) PublishedTheme(ctx context.Context, slug string) (Theme, error) {
	rows, err := s.db.Query(ctx, `SELECT `+themeColumns+` FROM themes WHERE slug = $1 AND published`, slug)
	if err != nil {
		return Theme{}, fmt.Errorf("groups: theme: %w", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Theme])
	if err != nil {
		return t, fmt.Errorf("groups: theme: %w", postgres.MapError(err))
	}
	return t, nil
}

// PublishedThemes lists the published themes by name in lang, Norwegian collation.
func (s *Store) PublishedThemes(ctx context.Context, lang i18n.Lang) ([]Theme, error) {
	order := `name_nb COLLATE "nb-NO-x-icu"`
	if lang == i18n.EN {
		order = `name_en COLLATE "en-x-icu"`
	}
	rows, err := s.db.Query(ctx, `SELECT `+themeColumns+` FROM themes WHERE published ORDER BY `+order+` LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("groups: themes: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Theme])
	if err != nil {
		return nil, fmt.Errorf("groups: themes: %w", err)
	}
	return list, nil
}

// PublishedGroup returns the published group with slug, with its published themes and member
// count.
func (s *Store) PublishedGroup(ctx context.Context, slug string) (Group, error) {
	g, err := scanGroup(s.db.QueryRow(ctx, `SELECT `+groupColumns+`
		FROM groups g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.slug = $1 AND g.published`, slug))
	if err != nil {
		return g, fmt.Errorf("groups: group: %w", postgres.MapError(err))
	}
	list := []Group{g}
	if err := s.loadThemes(ctx, list, true); err != nil {
		return g, err
	}
	return list[0], nil
}

// Get returns the group with id, published or not, with all its themes.
func (s *Store) Get(ctx context.Context, id int64) (Group, error) {
	g, err := scanGroup(s.db.QueryRow(ctx, `SELECT `+groupColumns+`
		FROM groups g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.id = $1`, id))
	if err != nil {
		return g, fmt.Errorf("groups: get: %w", postgres.MapError(err))
	}
	list := []Group{g}
	if err := s.loadThemes(ctx, list, false); err != nil {
		return g, err
	}
	return list[0], nil
}

// loadThemes fills in the themes of every group in list with one query, so a page of groups
// costs the same number of queries however long it is. publishedOnly leaves out hidden themes.
func (s *Store) loadThemes(ctx context.Context, list []Group, publishedOnly bool) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := make(map[int64]int, len(list))
	for i, g := range list {
		ids[i], at[g.ID] = g.ID, i
		list[i].Themes = nil
	}
	rows, err := s.db.Query(ctx, `SELECT gt.group_id, t.id, t.slug, t.name_nb, t.name_en, t.description_nb,
			t.description_en, t.published
		FROM group_themes gt JOIN themes t ON t.id = gt.theme_id
		WHERE gt.group_id = ANY($1) AND (t.published OR NOT $2)
		ORDER BY t.name_nb COLLATE "nb-NO-x-icu", t.id`, ids, publishedOnly)
	if err != nil {
		return fmt.Errorf("groups: themes of groups: %w", err)
	}
	var groupID int64
	var t Theme
	_, err = pgx.ForEachRow(rows, []any{&groupID, &t.ID, &t.Slug, &t.NameNB, &t.NameEN, &t.DescriptionNB,
		&t.DescriptionEN, &t.Published}, func() error {
		i := at[groupID]
		list[i].Themes = append(list[i].Themes, t)
		return nil
	})
	if err != nil {
		return fmt.Errorf("groups: themes of groups: %w", err)
	}
	return nil
}

// ByIDs returns the groups with the ids, by id, with their themes: for pages that show many
// groups by id at once (the matcher's proposals) in two queries.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]Group, error) {
	rows, err := s.db.Query(ctx, `SELECT `+groupColumns+` FROM groups g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("groups: by ids: %w", err)
	}
	var list []Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("groups: by ids: %w", err)
		}
		list = append(list, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("groups: by ids: %w", err)
	}
	if err := s.loadThemes(ctx, list, false); err != nil {
		return nil, err
	}
	out := make(map[int64]Group, len(list))
	for _, g := range list {
		out[g.ID] = g
	}
	return out, nil
}
