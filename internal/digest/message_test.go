package digest

import (
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The digest renders in both languages with its link, the time of the meeting asked for and
// the footer.
func TestDigestMailInBothLanguages(t *testing.T) {
	t.Parallel()
	at := mailtest.Expires.In(tz.Oslo)
	q := rooms.Request{ID: 1, Kind: rooms.KindSlot, OrgID: 2, From: "Foreningen Alfa", RoomName: "Bjørk",
		Series: rooms.Series{First: tz.Midnight(at), Start: at.Sub(tz.Midnight(at)), End: at.Sub(tz.Midnight(at)) + time.Hour}}
	loan := licences.Request{ID: 3, GroupID: 4, From: "Sorggruppe", Provider: licences.Zoom, Starts: tz.Midnight(at), Ends: tz.Midnight(at).AddDate(0, 0, 7)}
	link := func(string) string { return mailtest.Link }
	mailtest.CheckMessages(t, mailtest.Builders{
		"digest": func(l i18n.Lang) mail.Message {
			return message(l, "Nora", []rooms.Request{q}, []licences.Request{loan}, link)
		},
	}, nil)
}

// The digest is due every morning at seven in Oslo, also on the days the clocks change.
func TestDailyAtSeven(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ after, want string }{
		{"2026-03-28 08:00", "2026-03-29 07:00"}, // the night the clocks go forward
		{"2026-10-24 07:00", "2026-10-25 07:00"}, // and back
		{"2026-12-08 06:59", "2026-12-08 07:00"},
	} {
		after, _ := time.ParseInLocation("2006-01-02 15:04", c.after, tz.Oslo)
		want, _ := time.ParseInLocation("2006-01-02 15:04", c.want, tz.Oslo)
		if got := (daily{}).Next(after.UTC()); !got.Equal(want) {
			t.Errorf("after %s: %v, want %v", c.after, got, want)
		}
	}
}
