package signups

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// A Thursday in winter time: 14.30 in Oslo.
var expires = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

const link = "https://selvhjelpshuset.no/invitasjon/abc123?x=1&y=2"

func builders() map[string]func(i18n.Lang) mail.Message {
	return map[string]func(i18n.Lang) mail.Message{
		"signup": func(l i18n.Lang) mail.Message { return signupMail(l, "Kari", link, expires) },
		"mylink": func(l i18n.Lang) mail.Message { return linkMail(l, "Kari", link, expires) },
		"offer":  func(l i18n.Lang) mail.Message { return offerMail(l, "Kari", link, expires) },
	}
}

var tag = regexp.MustCompile(`<[a-zA-Z/!][^>]*>`)

// Every kind renders in both languages, with its subject, the link, the expiry in Oslo time
// and the footer, in both bodies; no catalogue id is left untranslated, and opening the mail
// fetches nothing.
func TestMailRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	footer := map[i18n.Lang][]string{
		i18n.NB: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sendt automatisk"},
		i18n.EN: {"Kirkeveien 61", "LINK Oslo – Senter for selvhjelp og mestring", "sent automatically"},
	}
	when := map[i18n.Lang]string{i18n.NB: "torsdag 26. november 2026 kl. 14.30", i18n.EN: "Thursday 26 November 2026 at 14:30"}
	for name, build := range builders() {
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
