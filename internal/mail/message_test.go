package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// A Thursday in winter time: 14.30 in Oslo.
var expires = time.Date(2026, 11, 26, 13, 30, 0, 0, time.UTC)

const link = "https://selvhjelpshuset.no/invitasjon/abc123?x=1&y=2"

// The rendering checks of each kind of mail run in the feature that builds it, through
// mailtest.CheckMessages; these tests hold what is common to every message.

// A name is text, never markup: the HTML body escapes it, the text body keeps it as typed.
func TestRenderEscapesNames(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	r, err := Render(letter(i18n.NB, "Kari", link))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img", "<link", "<script", "url(", "src="} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML body contains %q", bad)
		}
	}
}

// Dates are Oslo time across the change to summer time.
func TestFormatTimeInOslo(t *testing.T) {
	t.Parallel()
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
