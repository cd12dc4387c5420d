package groups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// inTx runs fn in a transaction of its own, so a change of several statements lands whole.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return postgres.InTx(ctx, s.db, fn)
}

// writeError turns what the database refused into field errors where a field is to blame (a
// taken address, an organisation or theme that is gone), else into a domain error.
func writeError(op string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		var e validate.Errors
		switch pgErr.ConstraintName {
		case "groups_slug_key", "themes_slug_key":
			e.Add("slug", "groups.slug.taken")
		case "groups_org_id_fkey":
			e.Add("org", "groups.org.invalid")
		case "group_themes_theme_id_fkey":
			e.Add("themes", "groups.themes.invalid")
		}
		if !e.OK() {
			return e
		}
	}
	return fmt.Errorf("groups: %s: %w", op, postgres.MapError(err))
}

// args are the values of the groups columns in the order Create and Update name them. The
// venue is kept only for a partner's venue and the platform only for digital and hybrid
// groups, so a changed format leaves nothing stale behind.
func (f *Form) args() []any {
	var org *int64
	if f.OrgID > 0 {
		org = &f.OrgID
	}
	venue, platform := f.Venue, f.Platform
	if f.Format != FormatPartner {
		venue = ""
	}
	if f.Format != FormatDigital && f.Format != FormatHybrid {
		platform = ""
	}
	return []any{f.Slug, f.Name, f.Kind, f.Format, platform, venue, f.Weekday, clock(f.starts), clock(f.ends),
		f.Frequency, f.Language, f.capacity, f.Open, f.TwelveStep, org, f.DescriptionNB, f.DescriptionEN, f.OpenMeeting}
}

// Create adds a group, not yet published, gathering people, with its themes and the first
// line of its status history, in one transaction. by is the staff member (0: none).
func (s *Store) Create(ctx context.Context, f Form, by int64) (Group, error) {
	if errs := f.Validate(); !errs.OK() {
		return Group{}, errs
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO groups (slug, name, kind, format, platform, venue, weekday, starts_at,
				ends_at, frequency, language, capacity, open, twelve_step, org_id, description_nb, description_en, open_meeting)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			RETURNING id`, f.args()...).Scan(&id)
		if err != nil {
			return err
		}
		if err := setThemes(ctx, tx, id, f.Themes); err != nil {
			return err
		}
		return addHistory(ctx, tx, id, StatusGathering, by, "")
	})
	if err != nil {
		return Group{}, writeError("create group", err)
	}
	return s.Get(ctx, id)
}

// Update changes the group's fields and themes in one transaction; status and publication
// have their own methods.
func (s *Store) Update(ctx context.Context, id int64, f Form) (Group, error) {
	if errs := f.Validate(); !errs.OK() {
		return Group{}, errs
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE groups SET slug = $2, name = $3, kind = $4, format = $5, platform = $6,
				venue = $7, weekday = $8, starts_at = $9, ends_at = $10, frequency = $11, language = $12,
				capacity = $13, open = $14, twelve_step = $15, org_id = $16, description_nb = $17,
				description_en = $18, open_meeting = $19, updated_at = now()
			WHERE id = $1`, append([]any{id}, f.args()...)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return setThemes(ctx, tx, id, f.Themes)
	})
	if err != nil {
		return Group{}, writeError("update group", err)
	}
	return s.Get(ctx, id)
}

// setThemes makes themes the group's themes.
func setThemes(ctx context.Context, tx pgx.Tx, id int64, themes []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM group_themes WHERE group_id = $1 AND NOT (theme_id = ANY($2))`, id, themes); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO group_themes (group_id, theme_id) SELECT $1, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, id, themes)
	return err
}

func addHistory(ctx context.Context, tx pgx.Tx, id int64, status string, by int64, note string) error {
	var who *int64
	if by > 0 {
		who = &by
	}
	_, err := tx.Exec(ctx, `INSERT INTO group_status_history (group_id, status, changed_by, note)
		VALUES ($1, $2, $3, $4)`, id, status, who, note)
	return err
}

// SetStatus moves the group to status and writes the change, with who made it and an
// optional note, to the history in the same transaction.
func (s *Store) SetStatus(ctx context.Context, id int64, status string, by int64, note string) error {
	note = strings.TrimSpace(note)
	var e validate.Errors
	if !slices.Contains(Statuses, status) {
		e.Add("status", "groups.status.required")
	}
	e.MaxLength("note", note, MaxNote, "form.tooLong")
	if !e.OK() {
		return e
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE groups SET status = $2, updated_at = now() WHERE id = $1`, id, status)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return addHistory(ctx, tx, id, status, by, note)
	})
	if err != nil {
		return writeError("set status", err)
	}
	return nil
}

// SetPublished shows the group in the public catalogue or hides it.
func (s *Store) SetPublished(ctx context.Context, id int64, published bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE groups SET published = $2, updated_at = now() WHERE id = $1`, id, published)
	if err != nil {
		return fmt.Errorf("groups: set published: %w", postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("groups: set published: %w", postgres.ErrNotFound)
	}
	return nil
}

// LockStatus locks the group's row until the caller's transaction ends and returns its
// status, so that another feature's change to the group (a volunteer given, a meeting
// planned, the handover) is decided on a status that cannot change meanwhile. Called on a
// pool rather than a transaction, the lock ends at once. No group gives ErrNotFound.
func (s *Store) LockStatus(ctx context.Context, id int64) (string, error) {
	var status string
	if err := s.db.QueryRow(ctx, `SELECT status FROM groups WHERE id = $1 FOR UPDATE`, id).Scan(&status); err != nil {
		return "", fmt.Errorf("groups: lock: %w", postgres.MapError(err))
	}
	return status, nil
}

// SetStarted records the day the group started; nil goes back to reading it from the status
// history (the day of its first change to start-up). The start-up and follow-up of groups
// (package volunteers) calls it on its own transaction.
func (s *Store) SetStarted(ctx context.Context, id int64, on *time.Time) error {
	return s.setDay(ctx, "set started", `UPDATE groups SET started_on = $2, updated_at = now() WHERE id = $1`, id, on)
}

// SetHandedOver records the day the group was handed over to run itself. The status is
// changed apart, by SetStatus, so that the history gets its line.
func (s *Store) SetHandedOver(ctx context.Context, id int64, on time.Time) error {
	return s.setDay(ctx, "set handed over", `UPDATE groups SET handover_on = $2, updated_at = now() WHERE id = $1`, id, on)
}

// setDay runs update, which sets one date column of the group with id to day.
func (s *Store) setDay(ctx context.Context, op, update string, id int64, day any) error {
	tag, err := s.db.Exec(ctx, update, id, day)
	if err != nil {
		return fmt.Errorf("groups: %s: %w", op, postgres.MapError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("groups: %s: %w", op, postgres.ErrNotFound)
	}
	return nil
}

// StatusChange is one line of a group's status history.
type StatusChange struct {
	Status    string
	ChangedAt time.Time
	ChangedBy string // the staff member's name, or "" when not known
	Note      string
}

// HistoryLimit is how many of the latest status changes History returns.
const HistoryLimit = 100

// History returns the group's latest status changes, newest first.
func (s *Store) History(ctx context.Context, id int64) ([]StatusChange, error) {
	rows, err := s.db.Query(ctx, `SELECT h.status, h.changed_at, coalesce(u.name, ''), h.note
		FROM group_status_history h LEFT JOIN users u ON u.id = h.changed_by
		WHERE h.group_id = $1 ORDER BY h.changed_at DESC, h.id DESC LIMIT $2`, id, HistoryLimit)
	if err != nil {
		return nil, fmt.Errorf("groups: history: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[StatusChange])
	if err != nil {
		return nil, fmt.Errorf("groups: history: %w", err)
	}
	return list, nil
}
