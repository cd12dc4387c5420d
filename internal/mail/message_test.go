package mail

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// A Thursday in winter time: 14.30 in Oslo.
var expires = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

const link = "https://selvhjelpshuset.no/invitasjon/abc123?x=1&y=2"

func builders() map[string]func(i18n.Lang) Message {
	return map[string]func(i18n.Lang) Message{
		"invitation":    func(l i18n.Lang) Message { return Invitation(l, "Kari Nordmann", link, expires) },
		"reset":         func(l i18n.Lang) Message { return PasswordReset(l, link, expires) },
		"signup":        func(l i18n.Lang) Message { return SignupConfirmation(l, "Kari", link, expires) },
		"mylink":        func(l i18n.Lang) Message { return MyLink(l, "Kari", link, expires) },
		"offer":         func(l i18n.Lang) Message { return Offer(l, "Kari", link, expires) },
		"event":         func(l i18n.Lang) Message { return EventSignup(l, "Kari", "Introduksjonsmøte", expires, false, link) },
		"event waiting": func(l i18n.Lang) Message { return EventSignup(l, "Kari", "Introduksjonsmøte", expires, true, link) },
		"event offer":   func(l i18n.Lang) Message { return EventOffer(l, "Kari", "Kaffetreff", expires, expires, link) },
		"event reminder": func(l i18n.Lang) Message {
			return EventReminder(l, "Kari", "Kaffetreff", expires, "https://zoom.example/j/1", link)
		},
		"loan approved": func(l i18n.Lang) Message {
			return LoanAnswerMessage(l, "Kari", LoanAnswer{Approved: true, Provider: "zoom", First: expires, Last: expires, Licence: "Zoom 1"}, link)
		},
		"loan declined": func(l i18n.Lang) Message {
			return LoanAnswerMessage(l, "Kari", LoanAnswer{Provider: "whereby", First: expires, Last: expires, Reason: "Alle er utlånt"}, link)
		},
		"loan week":    func(l i18n.Lang) Message { return LoanReminderMessage(l, "Kari", "zoom", expires, 7, link) },
		"loan day":     func(l i18n.Lang) Message { return LoanReminderMessage(l, "Kari", "whereby", expires, 1, link) },
		"loan overdue": func(l i18n.Lang) Message { return LoanOverdueMessage(l, "Kari", "zoom", expires, link) },
	}
}

// dateOnly are the builders that tell whole days, not a time of day: their bodies hold the
// date of expires.
var dateOnly = map[string]bool{"loan approved": true, "loan declined": true}

var tag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)

// Every kind renders in both languages, with its subject, the link, the expiry in Oslo time
// and the footer, in both bodies; no catalogue id is left untranslated.
func TestRenderBothLanguages(t *testing.T) {
	footer := map[i18n.Lang][]string{
		i18n.NB: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sendt automatisk"},
		i18n.EN: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sent automatically"},
	}
	when := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026 kl. 14.30", i18n.EN: "Thursday 26 November 2026 at 14:30"}
	day := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026", i18n.EN: "Thursday 26 November 2026"}
	for name, build := range builders() {
		rendered := map[i18n.Lang]Rendered{}
		for _, l := range i18n.Langs {
			r, err := Render(build(l))
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
			at := when[l]
			if dateOnly[name] {
				at = day[l]
			}
			for _, body := range []string{r.Text, r.HTML} {
				for _, want := range append(footer[l], at) {
					if !strings.Contains(body, want) {
						t.Errorf("%s %s: body lacks %q:\n%s", name, l, want, body)
					}
				}
			}
			if !strings.Contains(r.Text, link) {
				t.Errorf("%s %s: text body lacks the link:\n%s", name, l, r.Text)
			}
			if !strings.Contains(r.HTML, `href="https://selvhjelpshuset.no/invitasjon/abc123?x=1&amp;y=2"`) {
				t.Errorf("%s %s: HTML body lacks the action link:\n%s", name, l, r.HTML)
			}
			if !strings.Contains(r.HTML, `<html lang="`+string(l)+`">`) {
				t.Errorf("%s %s: HTML body does not declare its language", name, l)
			}
			if m := tag.FindString(r.Text); m != "" {
				t.Errorf("%s %s: text body has the HTML tag %s", name, l, m)
			}
		}
		if rendered[i18n.NB].Subject == rendered[i18n.EN].Subject || rendered[i18n.NB].Text == rendered[i18n.EN].Text {
			t.Errorf("%s: nb and en render the same", name)
		}
	}
}

// A licence answer names the period by its local dates and never holds credentials; a group's
// contact, who has no page to log in to, gets no button. Reminders name the last day, which is
// the day before the loan's end at midnight.
func TestLoanMessages(t *testing.T) {
	first := time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Oslo)
	last := time.Date(2026, 12, 31, 0, 0, 0, 0, tz.Oslo)
	ends := last.AddDate(0, 0, 1)
	text := func(m Message) string {
		t.Helper()
		r, err := Render(m)
		if err != nil {
			t.Fatal(err)
		}
		return r.Subject + "\n" + r.Text
	}
	approved := LoanAnswerMessage(i18n.NB, "Kari", LoanAnswer{Approved: true, Provider: "zoom", First: first, Last: last, Licence: "Zoom 1"}, "")
	got := text(approved)
	for _, want := range []string{"Hei, Kari!", "Zoom-lisens fra og med tirsdag 1. desember 2026 til og med torsdag 31. desember 2026",
		"heter «Zoom 1»", "får du av oss"} {
		if !strings.Contains(got, want) {
			t.Errorf("approved answer lacks %q:\n%s", want, got)
		}
	}
	if approved.Action != (Action{}) {
		t.Errorf("an answer without a link has the action %+v", approved.Action)
	}
	declined := text(LoanAnswerMessage(i18n.EN, "Kari", LoanAnswer{Provider: "whereby", First: first, Last: last, Reason: "All are lent out."}, link))
	for _, want := range []string{"Whereby licence", "From us: All are lent out.", "See your loans"} {
		if !strings.Contains(declined, want) {
			t.Errorf("declined answer lacks %q:\n%s", want, declined)
		}
	}
	if strings.Contains(declined, "password") {
		t.Errorf("a declined answer speaks of credentials:\n%s", declined)
	}
	week := text(LoanReminderMessage(i18n.NB, "Kari", "zoom", ends, 7, link))
	dayBefore := text(LoanReminderMessage(i18n.EN, "Kari", "whereby", ends, 1, ""))
	for _, c := range []struct{ got, want string }{
		{week, "slutter om 7 dager. Siste dag du kan bruke den, er torsdag 31. desember 2026."},
		{week, "Fra fredag 1. januar 2027 kl. 00.00 kan du ikke lenger bruke lisensen."},
		{dayBefore, "ends soon. The last day you can use it is Thursday 31 December 2026."},
		{text(LoanOverdueMessage(i18n.NB, "Kari", "zoom", ends, link)), "sluttet fredag 1. januar 2027 kl. 00.00."},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("lacks %q:\n%s", c.want, c.got)
		}
	}
}

// A name is text, never markup: the HTML body escapes it, the text body keeps it as typed.
func TestRenderEscapesNames(t *testing.T) {
	r, err := Render(Invitation(i18n.NB, "<b>Ola & Kari</b>", link, expires))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<b>") || !strings.Contains(r.HTML, "&lt;b&gt;Ola &amp; Kari&lt;/b&gt;") {
		t.Errorf("name not escaped in HTML:\n%s", r.HTML)
	}
	if !strings.Contains(r.Text, "Hei, <b>Ola & Kari</b>!") {
		t.Errorf("text body changed the name:\n%s", r.Text)
	}
}

// An action URL that is not a web address never becomes a live link.
func TestRenderRefusesScriptLinks(t *testing.T) {
	r, err := Render(PasswordReset(i18n.EN, "javascript:alert(1)", expires))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, `href="javascript:`) {
		t.Errorf("script URL became a link:\n%s", r.HTML)
	}
}

// No images or remote resources: opening the mail fetches nothing.
func TestRenderFetchesNothing(t *testing.T) {
	for name, build := range builders() {
		r, err := Render(build(i18n.NB))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<img", "<link", "<script", "url(", "src="} {
			if strings.Contains(r.HTML, bad) {
				t.Errorf("%s: HTML body contains %q", name, bad)
			}
		}
	}
}

// Dates are Oslo time across the change to summer time.
func TestFormatTimeInOslo(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		lang i18n.Lang
		want string
	}{
		{time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), i18n.NB, "søndag 29. mars 2026 kl. 01.59"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), i18n.NB, "søndag 29. mars 2026 kl. 03.00"},
		{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), i18n.EN, "Sunday 25 October 2026 at 02:30 (Norwegian time)"},
		{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), i18n.EN, "Sunday 25 October 2026 at 02:30 (Norwegian time)"},
	} {
		if got := FormatTime(c.lang, c.at); got != c.want {
			t.Errorf("FormatTime(%s, %v) = %q, want %q", c.lang, c.at, got, c.want)
		}
	}
	// 23:30 UTC on 4 January is already 5 January in Oslo.
	at := time.Date(2027, 1, 4, 23, 30, 0, 0, time.UTC)
	if nb, en := FormatDate(i18n.NB, at), FormatDate(i18n.EN, at); nb != "tirsdag 5. januar 2027" || en != "Tuesday 5 January 2027" {
		t.Errorf("FormatDate = %q, %q", nb, en)
	}
}
