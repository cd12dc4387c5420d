package auth_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// A Thursday in winter time: 14.30 in Oslo.
var expires = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

const link = "https://selvhjelpshuset.no/invitasjon/abc123?x=1&y=2"

var tag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)

// Both account mails render in both languages, with their subject, the link, the expiry in
// Oslo time and the footer, in both bodies; no catalogue id is left untranslated, and opening
// them fetches nothing.
func TestAccountMailBothLanguages(t *testing.T) {
	t.Parallel()
	footer := map[i18n.Lang][]string{
		i18n.NB: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sendt automatisk"},
		i18n.EN: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sent automatically"},
	}
	when := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026 kl. 14.30", i18n.EN: "Thursday 26 November 2026 at 14:30"}
	for name, build := range map[string]func(i18n.Lang) mail.Message{
		"invitation": func(l i18n.Lang) mail.Message { return auth.InvitationMessage(l, "Kari Nordmann", link, expires) },
		"reset":      func(l i18n.Lang) mail.Message { return auth.PasswordResetMessage(l, link, expires) },
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
			for _, bad := range []string{"<img", "<link", "<script", "url(", "src="} {
				if strings.Contains(r.HTML, bad) {
					t.Errorf("%s %s: HTML body contains %q", name, l, bad)
				}
			}
		}
		if rendered[i18n.NB].Subject == rendered[i18n.EN].Subject || rendered[i18n.NB].Text == rendered[i18n.EN].Text {
			t.Errorf("%s: nb and en render the same", name)
		}
	}
}

// A name is text, never markup: the HTML body of an invitation escapes it, the text body keeps
// it as typed.
func TestInvitationEscapesNames(t *testing.T) {
	t.Parallel()
	r, err := mail.Render(auth.InvitationMessage(i18n.NB, "<b>Ola & Kari</b>", link, expires))
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
