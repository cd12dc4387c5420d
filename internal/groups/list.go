package groups

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Filter narrows the public catalogue. Zero fields do not filter.
type Filter struct {
	Theme        string // theme slug
	Format       string // of Formats
	Weekday      int    // ISO 1–7
	DayPart      string // of DayParts, by start time
	TakesMembers bool   // only groups with a place left
}

// Normalise drops values that are not choices of the catalogue, so a hand-edited URL filters
// on what it can and ignores the rest. A theme that cannot be a slug is dropped before it
// reaches PostgreSQL, which refuses a NUL or broken UTF-8 with an error, not an empty list.
func (f *Filter) Normalise() {
	f.Theme = strings.TrimSpace(f.Theme)
	if !slugPattern.MatchString(f.Theme) || len(f.Theme) > MaxSlug {
		f.Theme = ""
	}
	if !slices.Contains(Formats, f.Format) {
		f.Format = ""
	}
	if f.Weekday < 1 || f.Weekday > 7 {
		f.Weekday = 0
	}
	if !slices.Contains(DayParts, f.DayPart) {
		f.DayPart = ""
	}
}

// slugPattern is what the database's checks take as a slug of a group or a theme.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// conds collects the conditions of a WHERE clause and their arguments. Only the filters in
// use become conditions, so each query the planner sees can use the index for its filter,
// instead of a generic plan for "($1 = 0 OR weekday = $1)".
type conds struct {
	parts []string
	args  []any
}

// add appends a condition; each ? in sql takes the next of args.
func (c *conds) add(sql string, args ...any) {
	var b strings.Builder
	for _, r := range sql {
		if r == '?' {
			c.args = append(c.args, args[0])
			args = args[1:]
			b.WriteString("$" + strconv.Itoa(len(c.args)))
			continue
		}
		b.WriteRune(r)
	}
	c.parts = append(c.parts, b.String())
}

// arg appends an argument that is not part of a condition (LIMIT, OFFSET) and returns its
// placeholder.
func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

func (c *conds) where() string {
	if len(c.parts) == 0 {
		return "true"
	}
	return strings.Join(c.parts, " AND ")
}

// takesMembers is the condition of a group with a place left; it matches Group.PlacesLeft.
const takesMembers = `g.open AND NOT g.open_meeting AND g.status NOT IN ('paused', 'closed')
	AND (SELECT count(*) FROM memberships m WHERE m.group_id = g.id AND m.left_at IS NULL) < g.capacity`

// CatalogueTables are the tables List, PublishedGroup and PublishedThemes read (a group's
// members are counted in memberships, its organiser named from orgs): a memo of their results
// is dropped when any of them changes.
func CatalogueTables() []string {
	return []string{"groups", "group_themes", "themes", "memberships", "orgs"}
}

// List returns one page of published groups that match f, by name in Norwegian order, with
// their published themes and member counts, and how many match in all. It costs two queries
// whatever the page's length.
func (s *Store) List(ctx context.Context, f Filter, limit, offset int) ([]Group, int, error) {
	f.Normalise()
	c := &conds{}
	c.add("g.published")
	if f.Theme != "" {
		// group_themes_theme_idx (theme_id, group_id) answers this without touching groups.
		c.add(`g.id IN (SELECT gt.group_id FROM group_themes gt
			WHERE gt.theme_id = (SELECT t.id FROM themes t WHERE t.slug = ? AND t.published))`, f.Theme)
	}
	if f.Format != "" {
		c.add("g.format = ?", f.Format)
	}
	if f.Weekday != 0 {
		c.add("g.weekday = ?", f.Weekday)
	}
	if f.DayPart != "" {
		b := dayPartBounds[f.DayPart]
		c.add("g.starts_at >= ? AND g.starts_at < ?", clock(b[0]), clock(b[1]))
	}
	if f.TakesMembers {
		c.add(takesMembers)
	}
	return s.page(ctx, c, limit, offset, welcomingFirst+`, g.name COLLATE "nb-NO-x-icu", g.id`, true)
}

// welcomingFirst orders the groups a newcomer can join now (a place left, or an open meeting
// anyone may come to) before the full and closed ones; it matches Group.Welcoming.
const welcomingFirst = `CASE WHEN (g.open_meeting AND g.status NOT IN ('paused', 'closed')) OR (` + takesMembers + `) THEN 0 ELSE 1 END`

// AdminFilter narrows the staff's list of groups. Zero fields do not filter.
type AdminFilter struct {
	Query  string // part of the name or the slug
	Status string // of Statuses
}

// ListAll returns one page of every group, published or not, by name, and how many match.
func (s *Store) ListAll(ctx context.Context, f AdminFilter, limit, offset int) ([]Group, int, error) {
	c := &conds{}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		c.add("(g.name ILIKE ? OR g.slug ILIKE ?)", like, like)
	}
	if slices.Contains(Statuses, f.Status) {
		c.add("g.status = ?", f.Status)
	}
	return s.page(ctx, c, limit, offset, `g.name COLLATE "nb-NO-x-icu", g.id`, false)
}

// page reads one page of the groups that match c in the order orderBy (SQL on groups g), and
// counts all that match. The page is cut in a subquery before the member counts are made, so
// they are counted for the page's rows only; the total is a scan of its own (an InitPlan), not
// a window over every match. Ordered by name alone, the page comes straight off
// groups_public_name_idx; the catalogue's order (welcomingFirst) sorts the matches, a few
// hundred groups at most.
func (s *Store) page(ctx context.Context, c *conds, limit, offset int, orderBy string, publishedThemes bool) ([]Group, int, error) {
	where := c.where()
	sql := `SELECT ` + groupColumns + `, (SELECT count(*) FROM groups g WHERE ` + where + `)
		FROM (SELECT * FROM groups g WHERE ` + where + `
			ORDER BY ` + orderBy + ` LIMIT ` + c.arg(limit) + ` OFFSET ` + c.arg(offset) + `) g
		LEFT JOIN orgs o ON o.id = g.org_id
		ORDER BY ` + orderBy
	rows, err := s.db.Query(ctx, sql, c.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("groups: list: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Group, error) {
		return scanGroup(r, &total)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("groups: list: %w", err)
	}
	if err := s.loadThemes(ctx, list, publishedThemes); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// FeedLimit bounds the open data feed. The catalogue holds a few hundred groups; the bound
// only keeps a mistake from building an unbounded answer.
const FeedLimit = 5000

// Feed returns every published group by name, with its published themes, for the open data
// feed. It costs two queries.
func (s *Store) Feed(ctx context.Context) ([]Group, error) {
	rows, err := s.db.Query(ctx, `SELECT `+groupColumns+`
		FROM groups g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.published
		ORDER BY g.name COLLATE "nb-NO-x-icu", g.id LIMIT $1`, FeedLimit)
	if err != nil {
		return nil, fmt.Errorf("groups: feed: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Group, error) { return scanGroup(r) })
	if err != nil {
		return nil, fmt.Errorf("groups: feed: %w", err)
	}
	if err := s.loadThemes(ctx, list, true); err != nil {
		return nil, err
	}
	return list, nil
}
