package rooms

import (
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// gsm7 is the GSM 03.38 basic character set and its extension: an SMS written in it is sent
// as 160 characters a segment, not 70.
const gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"

// A notice renders in both languages with every date, the next meeting and staff's line; its
// SMS text keeps to GSM-7 and one or two segments, and no catalogue id is left untranslated.
func TestNoticeInBothLanguages(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	for _, closed := range []bool{false, true} {
		n := notice{Meetings: []time.Time{at, at.AddDate(0, 0, 7)}, Next: at.AddDate(0, 0, 14), Closed: closed, Note: "Vi ses!"}
		for _, l := range i18n.Langs {
			m, text := noticeMessage(l, "Ada", n)
			r, err := mail.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range append(n.Meetings, n.Next) {
				if !strings.Contains(r.Text, mail.FormatTime(l, d)) || !strings.Contains(text, mail.FormatShort(l, d)) {
					t.Errorf("%s: %s missing in %q / %q", l, d, r.Text, text)
				}
			}
			for _, id := range i18n.IDs(l) {
				if strings.Contains(r.Subject+r.Text+text, id+" ") || strings.HasSuffix(text, id) {
					t.Errorf("%s: %s untranslated", l, id)
				}
			}
			for _, c := range text {
				if !strings.ContainsRune(gsm7, c) {
					t.Errorf("%s: %q is not GSM-7 in %q", l, c, text)
				}
			}
			if len([]rune(text)) > 2*153-40 { // room for the signature
				t.Errorf("%s: %d characters: %q", l, len([]rune(text)), text)
			}
			if !strings.Contains(r.Text, "Vi ses!") || !strings.Contains(text, "Vi ses!") {
				t.Errorf("%s: no note", l)
			}
		}
	}
}
