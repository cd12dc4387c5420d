package mail

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// A Thursday in winter time: 14.30 in Oslo.
var expires = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

const link = "https://selvhjelpshuset.no/invitasjon/abc123?x=1&y=2"

func builders() map[string]func(i18n.Lang) Message {
	return map[string]func(i18n.Lang) Message{
		"contact": func(l i18n.Lang) Message { return ContactLink(l, "Kari", link, expires) },
		"room approved": func(l i18n.Lang) Message {
			return RoomAnswerMessage(l, RoomAnswer{Approved: true, First: expires, Room: "Bjørk", Repeats: "x", Skipped: []time.Time{expires}}, link)
		},
		"room declined": func(l i18n.Lang) Message {
			return RoomAnswerMessage(l, RoomAnswer{Cancel: true, First: expires, Room: "Bjørk", Reason: "Huset er stengt"}, link)
		},
	}
}

var tag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)

// Every kind renders in both languages, with its subject, the link, the expiry in Oslo time
// and the footer, in both bodies; no catalogue id is left untranslated.
func TestRenderBothLanguages(t *testing.T) {
	footer := map[i18n.Lang][]string{
		i18n.NB: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sendt automatisk"},
		i18n.EN: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sent automatically"},
	}
	when := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026 kl. 14.30", i18n.EN: "Thursday 26 November 2026 at 14:30"}
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
			for _, body := range []string{r.Text, r.HTML} {
				for _, want := range append(footer[l], when[l]) {
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

// A name is text, never markup: the HTML body escapes it, the text body keeps it as typed.
func TestRenderEscapesNames(t *testing.T) {
	r, err := Render(letter(i18n.NB, "<b>Ola & Kari</b>", link))
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
	r, err := Render(letter(i18n.EN, "Kari", "javascript:alert(1)"))
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
