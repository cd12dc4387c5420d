package licences

import (
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

var expires = mailtest.Expires

const link = mailtest.Link

func builders() mailtest.Builders {
	return mailtest.Builders{
		"loan approved": func(l i18n.Lang) mail.Message {
			return answerMessage(l, "Kari", answer{Approved: true, Provider: "zoom", First: expires, Last: expires, Licence: "Zoom 1"}, link)
		},
		"loan declined": func(l i18n.Lang) mail.Message {
			return answerMessage(l, "Kari", answer{Provider: "whereby", First: expires, Last: expires, Reason: "Alle er utlånt"}, link)
		},
		"loan week":    func(l i18n.Lang) mail.Message { return reminderMessage(l, "Kari", "zoom", expires, 7, link) },
		"loan day":     func(l i18n.Lang) mail.Message { return reminderMessage(l, "Kari", "whereby", expires, 1, link) },
		"loan overdue": func(l i18n.Lang) mail.Message { return overdueMessage(l, "Kari", "zoom", expires, link) },
	}
}

// dateOnly are the builders that tell whole days, not a time of day: their bodies hold the
// date of expires.
var dateOnly = map[string]bool{"loan approved": true, "loan declined": true}

// Every kind of loan mail renders in both languages with its link, date or time and footer.
func TestMailRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	mailtest.CheckMessages(t, builders(), dateOnly)
}

// A licence answer names the period by its local dates and never holds credentials; a group's
// contact, who has no page to log in to, gets no button. Reminders name the last day, which is
// the day before the loan's end at midnight.
func TestLoanMessages(t *testing.T) {
	t.Parallel()
	first := time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Oslo)
	last := time.Date(2026, 12, 31, 0, 0, 0, 0, tz.Oslo)
	ends := last.AddDate(0, 0, 1)
	text := func(m mail.Message) string {
		t.Helper()
		r, err := mail.Render(m)
		if err != nil {
			t.Fatal(err)
		}
		return r.Subject + "\n" + r.Text
	}
	approved := answerMessage(i18n.NB, "Kari", answer{Approved: true, Provider: "zoom", First: first, Last: last, Licence: "Zoom 1"}, "")
	got := text(approved)
	for _, want := range []string{"Hei, Kari!", "Zoom-lisens fra og med tirsdag 1. desember 2026 til og med torsdag 31. desember 2026",
		"heter «Zoom 1»", "får du av oss"} {
		if !strings.Contains(got, want) {
			t.Errorf("approved answer lacks %q:\n%s", want, got)
		}
	}
	if approved.Action != (mail.Action{}) {
		t.Errorf("an answer without a link has the action %+v", approved.Action)
	}
	declined := text(answerMessage(i18n.EN, "Kari", answer{Provider: "whereby", First: first, Last: last, Reason: "All are lent out."}, link))
	for _, want := range []string{"Whereby licence", "From us: All are lent out.", "See your loans"} {
		if !strings.Contains(declined, want) {
			t.Errorf("declined answer lacks %q:\n%s", want, declined)
		}
	}
	if strings.Contains(declined, "password") {
		t.Errorf("a declined answer speaks of credentials:\n%s", declined)
	}
	week := text(reminderMessage(i18n.NB, "Kari", "zoom", ends, 7, link))
	dayBefore := text(reminderMessage(i18n.EN, "Kari", "whereby", ends, 1, ""))
	for _, c := range []struct{ got, want string }{
		{week, "slutter om 7 dager. Siste dag du kan bruke den, er torsdag 31. desember 2026."},
		{week, "Fra fredag 1. januar 2027 kl. 00.00 kan du ikke lenger bruke lisensen."},
		{dayBefore, "ends soon. The last day you can use it is Thursday 31 December 2026."},
		{text(overdueMessage(i18n.NB, "Kari", "zoom", ends, link)), "sluttet fredag 1. januar 2027 kl. 00.00."},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("lacks %q:\n%s", c.want, c.got)
		}
	}
}
