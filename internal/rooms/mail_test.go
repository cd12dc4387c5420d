package rooms

import (
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// A Thursday in winter time: 14.30 in Oslo.
var mailAt = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

const link = "https://selvhjelpshuset.no/gruppe/abc123?x=1&y=2"

// The mail of the rooms renders in both languages, with its subject, the link, the time in
// Oslo and the footer in both bodies; no catalogue id is left untranslated, and nb and en
// differ.
func TestMailInBothLanguages(t *testing.T) {
	t.Parallel()
	when := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026 kl. 14.30", i18n.EN: "Thursday 26 November 2026 at 14:30"}
	for name, build := range map[string]func(i18n.Lang) mail.Message{
		"contact": func(l i18n.Lang) mail.Message { return contactLinkMessage(l, "Kari", link, mailAt) },
		"approved": func(l i18n.Lang) mail.Message {
			return answerMessage(l, answer{Approved: true, First: mailAt, Room: "Bjørk", Repeats: "x", Skipped: []time.Time{mailAt}}, link)
		},
		"declined": func(l i18n.Lang) mail.Message {
			return answerMessage(l, answer{Cancel: true, First: mailAt, Room: "Bjørk", Reason: "Huset er stengt"}, link)
		},
	} {
		rendered := map[i18n.Lang]mail.Rendered{}
		for _, l := range i18n.Langs {
			r, err := mail.Render(build(l))
			if err != nil {
				t.Fatalf("%s %s: %v", name, l, err)
			}
			rendered[l] = r
			if r.Subject == "" {
				t.Errorf("%s %s: no subject", name, l)
			}
			for _, id := range i18n.IDs(l) {
				if strings.Contains(r.Subject+r.Text+r.HTML, id) {
					t.Errorf("%s %s: the id %q is left untranslated", name, l, id)
				}
			}
			for _, body := range []string{r.Text, r.HTML} {
				if !strings.Contains(body, when[l]) || !strings.Contains(body, "Kirkeveien 61") {
					t.Errorf("%s %s: body lacks the time or the footer:\n%s", name, l, body)
				}
			}
			if !strings.Contains(r.Text, link) || !strings.Contains(r.HTML, `href="https://selvhjelpshuset.no/gruppe/abc123?x=1&amp;y=2"`) {
				t.Errorf("%s %s: a body lacks the link:\n%s\n%s", name, l, r.Text, r.HTML)
			}
		}
		if rendered[i18n.NB].Subject == rendered[i18n.EN].Subject || rendered[i18n.NB].Text == rendered[i18n.EN].Text {
			t.Errorf("%s: nb and en render the same", name)
		}
	}
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
