package rooms

import (
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

// mailAt is a Thursday in winter time: 14.30 in Oslo.
var mailAt = mailtest.Expires

// The mail of the rooms renders in both languages with its link, time and footer.
func TestMailInBothLanguages(t *testing.T) {
	t.Parallel()
	link := mailtest.Link
	mailtest.CheckMessages(t, mailtest.Builders{
		"contact": func(l i18n.Lang) mail.Message { return contactLinkMessage(l, "Kari", link, mailAt) },
		"approved": func(l i18n.Lang) mail.Message {
			return answerMessage(l, answer{Approved: true, First: mailAt, Room: "Bjørk", Repeats: "x", Skipped: []time.Time{mailAt}}, link)
		},
		"declined": func(l i18n.Lang) mail.Message {
			return answerMessage(l, answer{Cancel: true, First: mailAt, Room: "Bjørk", Reason: "Huset er stengt"}, link)
		},
	}, nil)
}

// An answer to a group's contact person, who has no page to log in to, has no button; the
// answer names the room, the time, the dates skipped and staff's reason.
func TestAnswerMessage(t *testing.T) {
	t.Parallel()
	m := answerMessage(i18n.NB, answer{Approved: true, First: mailAt, Room: "Bjørk", Skipped: []time.Time{mailAt.AddDate(0, 0, 7)}, Reason: "Velkommen"}, "")
	if m.Action != (mail.Action{}) || m.Kind != mail.KindRoomAnswer {
		t.Errorf("an answer without a link: %+v", m)
	}
	r, err := mail.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Vi har godkjent forespørselen om rom Bjørk torsdag 26. november 2026 kl. 14.30.",
		"ikke booket: torsdag 3. desember 2026 kl. 14.30.", "Fra oss: Velkommen"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("answer lacks %q:\n%s", want, r.Text)
		}
	}
}
