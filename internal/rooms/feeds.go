package rooms

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
)

// Feed kinds.
const (
	FeedRoom  = "room"
	FeedGroup = "group"
)

// RotateFeed makes a new secret feed link for a room or a group and ends the old one, in one
// transaction. It returns the token, shown once; a room or group that does not exist is
// ErrNotFound.
func (s *Store) RotateFeed(ctx context.Context, kind string, targetID int64) (string, error) {
	token := tokens.New()
	// Rotations of one target queue on its row (a double click), so the second revokes the
	// first's link instead of colliding with it on the one active link. NO KEY: sign-ups and
	// bookings that refer to the row are not held up.
	lock := `SELECT 1 FROM rooms WHERE id = $1 FOR NO KEY UPDATE`
	if kind == FeedGroup {
		lock = `SELECT 1 FROM groups WHERE id = $1 FOR NO KEY UPDATE`
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, lock, targetID).Scan(&one); err != nil {
			return err // no row: ErrNotFound after MapError
		}
		if _, err := tx.Exec(ctx, `UPDATE calendar_feeds SET revoked_at = now() WHERE kind = $1 AND target_id = $2 AND revoked_at IS NULL`,
			kind, targetID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO calendar_feeds (kind, target_id, token_hash) VALUES ($1, $2, $3)`, kind, targetID, tokens.Hash(token))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("rooms: feed: %w", postgres.MapError(err))
	}
	return token, nil
}

// FeedTables are the tables FeedTarget and FeedEvents read, groups (a group's feed
// is found through its bookings, and a change of the group may change what it shows), and
// settings, where the centre's address for LOCATION is.
func FeedTables() []string {
	return []string{"calendar_feeds", "bookings", "booking_occurrences", "rooms", "groups", "settings"}
}

// FeedTarget returns what an active feed token shows, and its name in a calendar app: the
// room's or the group's, so that several subscribed feeds can be told apart.
func (s *Store) FeedTarget(ctx context.Context, token string) (kind string, id int64, name string, err error) {
	err = s.db.QueryRow(ctx, `SELECT f.kind, f.target_id, coalesce(r.name, g.name, '')
		FROM calendar_feeds f
		LEFT JOIN rooms r ON f.kind = 'room' AND r.id = f.target_id
		LEFT JOIN groups g ON f.kind = 'group' AND g.id = f.target_id
		WHERE f.token_hash = $1 AND f.revoked_at IS NULL`, tokens.Hash(token)).Scan(&kind, &id, &name)
	if err != nil {
		return "", 0, "", fmt.Errorf("rooms: feed: %w", postgres.MapError(err))
	}
	return kind, id, name, nil
}

// FeedEvent is one meeting in a feed.
type FeedEvent struct {
	ID        int64
	Title     string
	Room      string
	Start     time.Time
	End       time.Time
	Cancelled bool
}

// FeedEvents lists the meetings of a room or a group from 60 days ago to a year ahead.
func (s *Store) FeedEvents(ctx context.Context, kind string, id int64, now time.Time) ([]FeedEvent, error) {
	where := "o.room_id = $1"
	if kind == FeedGroup {
		where = "b.group_id = $1"
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, b.title, r.name, lower(o.during), upper(o.during), o.cancelled_at IS NOT NULL
		FROM booking_occurrences o JOIN bookings b ON b.id = o.booking_id JOIN rooms r ON r.id = o.room_id
		WHERE `+where+` AND o.during && tstzrange($2, $3) ORDER BY lower(o.during) LIMIT 2000`,
		id, now.AddDate(0, 0, -60), now.AddDate(1, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("rooms: feed: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[FeedEvent])
	if err != nil {
		return nil, fmt.Errorf("rooms: feed: %w", err)
	}
	return list, nil
}

// WriteICal writes events as an RFC 5545 calendar named name (NAME and X-WR-CALNAME: the
// room or the group). Times are in UTC, which every calendar shows in its own zone; cancelled
// meetings stay in the feed with STATUS:CANCELLED so phones remove them. LOCATION is the
// house's address (street, postcode, city and floor) and the room. SEQUENCE counts the
// changes of the meeting: a booked meeting is only ever cancelled (a new time is a new
// booking), so it is 0, and 1 once cancelled.
func WriteICal(w io.Writer, name, address, host string, events []FeedEvent, now time.Time) error {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//LINK Oslo//Selvhjelpshuset//NB")
	cal.SetName(ICalText(name))
	cal.SetXWRCalName(ICalText(name))
	cal.SetRefreshInterval("PT1H")
	for _, e := range events {
		ev := cal.AddEvent("booking-" + strconv.FormatInt(e.ID, 10) + "@" + host)
		ev.SetDtStampTime(now)
		ev.SetStartAt(e.Start)
		ev.SetEndAt(e.End)
		ev.SetSummary(ICalText(e.Title))
		ev.SetLocation(ICalText(address + ", " + e.Room))
		if e.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
			ev.SetSequence(1)
		} else {
			ev.SetSequence(0)
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	// RFC 5545 ends lines with CRLF; the library's default is the platform's newline.
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// ICalText makes s fit for a TEXT value: the library escapes commas, semicolons, backslashes
// and line feeds, but passes carriage returns and other control characters through, which
// RFC 5545 forbids and some readers take for line ends. A CR (alone or before LF) becomes a
// line break, the other control characters but tab are dropped, and bytes that are not UTF-8
// become U+FFFD.
func ICalText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
