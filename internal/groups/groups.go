// Package groups holds the themes and the groups of the catalogue: self-help groups,
// conversation groups and coffee meetups, their schedule, format and status.
package groups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Kinds of group.
const (
	KindSelfHelp     = "selfhelp"
	KindConversation = "conversation"
	KindCoffee       = "coffee"
)

// Formats: where a group meets.
const (
	FormatHouse   = "house"   // at Kirkeveien 61
	FormatDigital = "digital" // Zoom or Whereby
	FormatHybrid  = "hybrid"
	FormatPartner = "partner" // at a partner's venue
)

// Formats lists the formats in the order they are offered.
var Formats = []string{FormatHouse, FormatDigital, FormatHybrid, FormatPartner}

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

// Group is one group of the catalogue.
type Group struct {
	ID            int64
	Slug          string
	Name          string
	Kind          string
	Format        string
	Platform      string
	Venue         string
	Weekday       int // ISO: 1 is Monday
	StartsAt      time.Duration // since local midnight
	EndsAt        time.Duration
	Frequency     string // weekly or biweekly
	Language      string
	Capacity      int
	Open          bool
	Status        string
	TwelveStep    bool
	OrgID         *int64
	OrgName       string
	DescriptionNB string
	DescriptionEN string
	Published     bool
	Members       int // active members, for places left
	Themes        []Theme
}

// PlacesLeft is how many more members the group takes; 0 when it is closed or full.
func (g Group) PlacesLeft() int {
	if !g.Open || g.Status == "closed" || g.Status == "paused" {
		return 0
	}
	return max(g.Capacity-g.Members, 0)
}

// Store reads and changes themes and groups.
type Store struct{ db postgres.DBTX }

// NewStore returns a Store on db.
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

const themeColumns = `id, slug, name_nb, name_en, description_nb, description_en, published`

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

// PublishedGroup returns the published group with slug, with its themes and member count.
func (s *Store) PublishedGroup(ctx context.Context, slug string) (Group, error) {
	var g Group
	var starts, ends int
	err := s.db.QueryRow(ctx, `SELECT g.id, g.slug, g.name, g.kind, g.format, g.platform, g.venue, g.weekday,
			extract(epoch FROM g.starts_at)::int, extract(epoch FROM g.ends_at)::int, g.frequency, g.language, g.capacity, g.open, g.status, g.twelve_step, g.org_id,
			coalesce(o.name, ''), g.description_nb, g.description_en, g.published,
			(SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL)
		FROM groups g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.slug = $1 AND g.published`, slug).Scan(
		&g.ID, &g.Slug, &g.Name, &g.Kind, &g.Format, &g.Platform, &g.Venue, &g.Weekday, &starts, &ends, &g.Frequency,
		&g.Language, &g.Capacity, &g.Open, &g.Status, &g.TwelveStep, &g.OrgID, &g.OrgName, &g.DescriptionNB,
		&g.DescriptionEN, &g.Published, &g.Members)
	if err != nil {
		return g, fmt.Errorf("groups: group: %w", postgres.MapError(err))
	}
	g.StartsAt, g.EndsAt = time.Duration(starts)*time.Second, time.Duration(ends)*time.Second
	rows, err := s.db.Query(ctx, `SELECT t.id, t.slug, t.name_nb, t.name_en, t.description_nb, t.description_en, t.published
		FROM themes t JOIN group_themes gt ON gt.theme_id = t.id WHERE gt.group_id = $1 ORDER BY t.name_nb COLLATE "nb-NO-x-icu"`, g.ID)
	if err != nil {
		return g, fmt.Errorf("groups: group themes: %w", err)
	}
	if g.Themes, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Theme]); err != nil {
		return g, fmt.Errorf("groups: group themes: %w", err)
	}
	return g, nil
}
