// Package orgs is the register of partner organisations: the voluntary, non-profit and public
// organisations of the Oslo self-help network and others that borrow licences and rooms.
package orgs

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Kind is the legal kind of an organisation.
type Kind string

// The kinds.
const (
	Voluntary Kind = "voluntary"
	NonProfit Kind = "nonprofit"
	Public    Kind = "public"
)

// Org is one organisation.
type Org struct {
	ID   int64
	Name string
	Kind Kind
}

// Store reads and changes organisations.
type Store struct{ db postgres.DBTX }

// NewStore returns a Store on db.
func NewStore(db postgres.DBTX) *Store { return &Store{db: db} }

// Create adds an organisation; a taken name gives ErrConflict.
func (s *Store) Create(ctx context.Context, name string, kind Kind) (Org, error) {
	o := Org{Name: strings.TrimSpace(name), Kind: kind}
	err := s.db.QueryRow(ctx, `INSERT INTO orgs (name, kind) VALUES ($1, $2) RETURNING id`, o.Name, o.Kind).Scan(&o.ID)
	if err != nil {
		return o, fmt.Errorf("orgs: create: %w", postgres.MapError(err))
	}
	return o, nil
}

// GetByName returns the organisation with exactly that name.
func (s *Store) GetByName(ctx context.Context, name string) (Org, error) {
	var o Org
	err := s.db.QueryRow(ctx, `SELECT id, name, kind FROM orgs WHERE name = $1`, strings.TrimSpace(name)).Scan(&o.ID, &o.Name, &o.Kind)
	if err != nil {
		return o, fmt.Errorf("orgs: get: %w", postgres.MapError(err))
	}
	return o, nil
}

// Get returns the organisation with id.
func (s *Store) Get(ctx context.Context, id int64) (Org, error) {
	var o Org
	err := s.db.QueryRow(ctx, `SELECT id, name, kind FROM orgs WHERE id = $1`, id).Scan(&o.ID, &o.Name, &o.Kind)
	if err != nil {
		return o, fmt.Errorf("orgs: get: %w", postgres.MapError(err))
	}
	return o, nil
}

// Options lists every organisation by name, for a select field. The register holds a few
// dozen organisations, so a select stays usable; the partner pages page through it.
func (s *Store) Options(ctx context.Context) ([]Org, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, kind FROM orgs ORDER BY name COLLATE "nb-NO-x-icu" LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("orgs: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Org])
	if err != nil {
		return nil, fmt.Errorf("orgs: list: %w", err)
	}
	return list, nil
}
