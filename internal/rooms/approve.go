package rooms

import (
	"context"
	"errors"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Staff may approve a slot request in another room or at other times of day than asked for
// when what was asked for is taken, instead of declining and waiting for a new request. The
// request keeps what was asked; its booking holds what was booked, and the answer tells both.

// Change is what staff changed from a slot request when approving it: the room, the times of
// day, or both. The zero Change is the request as asked.
type Change struct {
	RoomID     int64         // 0: the room asked for
	Start, End time.Duration // 0, 0: the times asked for
}

// parseChange reads staff's room and times of day as typed ("" keeps what was asked for)
// into d.change, adding to e what cannot be read.
func (d *Decision) parseChange(e *validate.Errors) {
	d.change = Change{RoomID: d.RoomID}
	if d.Start == "" && d.End == "" {
		return
	}
	d.change.Start, d.change.End, _ = ClockRange(e, "start", d.Start, "end", d.End)
}

// with is the slot request q as approved with c: its room (with the room's name, read on
// db) and its times. A room that does not exist or cannot be booked is validate.Errors.
func (q Request) with(ctx context.Context, db postgres.DBTX, c Change) (Request, error) {
	if c.RoomID != 0 && c.RoomID != q.RoomID {
		err := db.QueryRow(ctx, `SELECT id, name FROM rooms WHERE id = $1 AND bookable AND retired_at IS NULL`, c.RoomID).Scan(&q.RoomID, &q.RoomName)
		if errors.Is(postgres.MapError(err), postgres.ErrNotFound) {
			return q, validate.Errors{{Field: "room", Msg: "booking.room.required"}}
		}
		if err != nil {
			return q, err
		}
	}
	if c.End > c.Start {
		q.Series.Start, q.Series.End = c.Start, c.End
	}
	return q, nil
}

// changes lists what approved differs in from asked, for the audit line.
func changes(asked, approved Request) []string {
	out := []string{}
	if asked.RoomID != approved.RoomID {
		out = append(out, "room")
	}
	if asked.Series.Start != approved.Series.Start || asked.Series.End != approved.Series.End {
		out = append(out, "time")
	}
	return out
}

// changedLines tell the requester, in lang, what was booked instead of what they asked for.
func changedLines(lang i18n.Lang, asked, approved Request) []string {
	var out []string
	if asked.RoomID != approved.RoomID {
		out = append(out, i18n.Translate(lang, "mail.room.changedRoom", "Room", approved.RoomName, "Asked", asked.RoomName))
	}
	if asked.Series.Start != approved.Series.Start || asked.Series.End != approved.Series.End {
		out = append(out, i18n.Translate(lang, "mail.room.changedTime",
			"Time", i18n.ClockRange(lang, approved.Series.Start, approved.Series.End),
			"Asked", i18n.ClockRange(lang, asked.Series.Start, asked.Series.End)))
	}
	return out
}
