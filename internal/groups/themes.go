package groups

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// ThemesLimit bounds the list of every theme offered as check boxes on the group form; the
// centre works with a few dozen themes.
const ThemesLimit = 500

// Themes lists every theme, published or not, by Norwegian name, for the group form.
func (s *Store) Themes(ctx context.Context) ([]Theme, error) {
	rows, err := s.db.Query(ctx, `SELECT `+themeColumns+` FROM themes ORDER BY name_nb COLLATE "nb-NO-x-icu", id LIMIT $1`,
		ThemesLimit)
	if err != nil {
		return nil, fmt.Errorf("groups: all themes: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Theme])
	if err != nil {
		return nil, fmt.Errorf("groups: all themes: %w", err)
	}
	return list, nil
}

// ListThemes returns one page of every theme by Norwegian name, and how many there are.
func (s *Store) ListThemes(ctx context.Context, limit, offset int) ([]Theme, int, error) {
	rows, err := s.db.Query(ctx, `SELECT `+themeColumns+`, count(*) OVER () FROM themes
		ORDER BY name_nb COLLATE "nb-NO-x-icu", id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("groups: list themes: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Theme, error) {
		var t Theme
		err := r.Scan(&t.ID, &t.Slug, &t.NameNB, &t.NameEN, &t.DescriptionNB, &t.DescriptionEN, &t.Published, &total)
		return t, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("groups: list themes: %w", err)
	}
	return list, total, nil
}

// GetTheme returns the theme with id, published or not.
func (s *Store) GetTheme(ctx context.Context, id int64) (Theme, error) {
	rows, err := s.db.Query(ctx, `SELECT `+themeColumns+` FROM themes WHERE id = $1`, id)
	if err != nil {
		return Theme{}, fmt.Errorf("groups: get theme: %w", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Theme])
	if err != nil {
		return t, fmt.Errorf("groups: get theme: %w", postgres.MapError(err))
	}
	return t, nil
}

// CreateTheme adds a theme; a taken slug is a field error.
func (s *Store) CreateTheme(ctx context.Context, f ThemeForm) (Theme, error) {
	if errs := f.Validate(); !errs.OK() {
		return Theme{}, errs
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO themes (slug, name_nb, name_en, description_nb, description_en, published)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		f.Slug, f.NameNB, f.NameEN, f.DescriptionNB, f.DescriptionEN, f.Published).Scan(&id)
	if err != nil {
		return Theme{}, writeError("create theme", err)
	}
	return s.GetTheme(ctx, id)
}

// UpdateTheme changes the theme with id; a taken slug is a field error.
func (s *Store) UpdateTheme(ctx context.Context, id int64, f ThemeForm) (Theme, error) {
	if errs := f.Validate(); !errs.OK() {
		return Theme{}, errs
	}
	tag, err := s.db.Exec(ctx, `UPDATE themes SET slug = $2, name_nb = $3, name_en = $4, description_nb = $5,
		description_en = $6, published = $7 WHERE id = $1`,
		id, f.Slug, f.NameNB, f.NameEN, f.DescriptionNB, f.DescriptionEN, f.Published)
	if err != nil {
		return Theme{}, writeError("update theme", err)
	}
	if tag.RowsAffected() == 0 {
		return Theme{}, fmt.Errorf("groups: update theme: %w", postgres.ErrNotFound)
	}
	return s.GetTheme(ctx, id)
}
