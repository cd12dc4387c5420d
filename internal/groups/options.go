package groups

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Option is a group as a choice in a select field.
type Option struct {
	ID   int64
	Name string
}

// Options lists the groups that are not closed, by name, for staff choosing a group to place
// someone in. The centre runs a few dozen groups, so a select stays usable.
func (s *Store) Options(ctx context.Context) ([]Option, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name FROM groups WHERE status <> 'closed'
		ORDER BY name COLLATE "nb-NO-x-icu", id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("groups: options: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Option])
	if err != nil {
		return nil, fmt.Errorf("groups: options: %w", err)
	}
	return list, nil
}

// OrgGroup is a group a partner organisation runs, as its portal lists it.
type OrgGroup struct {
	ID        int64
	Name      string
	Slug      string
	Status    string
	Published bool
}

// OfOrg lists the groups the organisation runs, by name, a page at a time.
func (s *Store) OfOrg(ctx context.Context, orgID int64, limit, offset int) ([]OrgGroup, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM groups WHERE org_id = $1`, orgID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("groups: of org: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT id, name, slug, status, published FROM groups WHERE org_id = $1
		ORDER BY name COLLATE "nb-NO-x-icu", id LIMIT $2 OFFSET $3`, orgID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("groups: of org: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[OrgGroup])
	if err != nil {
		return nil, 0, fmt.Errorf("groups: of org: %w", err)
	}
	return list, total, nil
}
