package groups

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// A digital or hybrid group's meeting link and passcode are for its members only: they are
// read by MeetingLink alone, never by the catalogue's queries (groupColumns), so no public
// page, feed or JSON can show them by accident.

// Limits of the meeting link's fields, as the database checks them.
const (
	MaxMeetingLink = 500
	MaxPasscode    = 100
)

// MeetingLink is where a digital or hybrid group meets online.
type MeetingLink struct {
	Link     string // an https URL, or "" when none is set
	Passcode string
}

// Online reports whether the format meets online, and so may have a meeting link.
func Online(format string) bool { return format == FormatDigital || format == FormatHybrid }

// AtHouse reports whether the format meets at the house (perhaps also online), and so books a
// room there.
func AtHouse(format string) bool { return format == FormatHouse || format == FormatHybrid }

// Validate trims the link and passcode and checks them; messages are catalogue ids. An empty
// link removes it (and the passcode with it).
func (m *MeetingLink) Validate() validate.Errors {
	var e validate.Errors
	m.Link, m.Passcode = strings.TrimSpace(m.Link), strings.TrimSpace(m.Passcode)
	if m.Link != "" {
		u, err := url.Parse(m.Link)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || strings.ContainsAny(m.Link, " \t\r\n<>\""):
			e.Add("meeting_link", "groups.meetinglink.invalid")
		default:
			e.MaxLength("meeting_link", m.Link, MaxMeetingLink, "form.tooLong")
		}
	} else {
		m.Passcode = ""
	}
	e.MaxLength("meeting_passcode", m.Passcode, MaxPasscode, "form.tooLong")
	return e
}

// MeetingLink returns the group's meeting link and passcode, for its members, staff and its
// contact person. An unknown group is ErrNotFound.
func (s *Store) MeetingLink(ctx context.Context, id int64) (MeetingLink, error) {
	var m MeetingLink
	err := s.db.QueryRow(ctx, `SELECT meeting_link, meeting_passcode FROM groups WHERE id = $1`, id).Scan(&m.Link, &m.Passcode)
	if err != nil {
		return m, fmt.Errorf("groups: meeting link: %w", postgres.MapError(err))
	}
	return m, nil
}

// SetMeetingLink saves the meeting link and passcode of the digital or hybrid group id, for
// by (a staff member, or the group's contact person by label), with its audit line, in one
// transaction. m is validated and cleaned in place; a group that does not meet online gets a
// validate.Errors too. An unknown group is ErrNotFound.
func (s *Store) SetMeetingLink(ctx context.Context, id int64, m *MeetingLink, by audit.Actor) error {
	e := m.Validate()
	if !e.OK() {
		return e
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var format string
		if err := tx.QueryRow(ctx, `SELECT format FROM groups WHERE id = $1 FOR NO KEY UPDATE`, id).Scan(&format); err != nil {
			return postgres.MapError(err)
		}
		if !Online(format) {
			e.Add("meeting_link", "groups.meetinglink.notOnline")
			return e
		}
		if _, err := tx.Exec(ctx, `UPDATE groups SET meeting_link = $2, meeting_passcode = $3, updated_at = now() WHERE id = $1`,
			id, m.Link, m.Passcode); err != nil {
			return postgres.MapError(err)
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.MeetingLinkSet, Entity: "group", EntityID: id,
			Details: map[string]any{"removed": m.Link == ""}})
	})
	if err != nil {
		if ve := (validate.Errors{}); errors.As(err, &ve) {
			return ve
		}
		return fmt.Errorf("groups: set meeting link: %w", err)
	}
	return nil
}
