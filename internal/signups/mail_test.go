package signups

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

// Every kind of sign-up mail renders in both languages with its link, time and footer.
func TestMailRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	at, link := mailtest.Expires, mailtest.Link
	mailtest.CheckMessages(t, mailtest.Builders{
		"signup": func(l i18n.Lang) mail.Message { return signupMail(l, "Kari", link, at) },
		"mylink": func(l i18n.Lang) mail.Message { return linkMail(l, "Kari", link, at) },
		"offer":  func(l i18n.Lang) mail.Message { return offerMail(l, "Kari", link, at) },
	}, nil)
}

// gsm7 is the GSM 03.38 basic character set (without the escape table): an SMS of these
// characters only takes 160 of them a segment, 153 when split.
const gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// The offer's SMS names no group, says the deadline in Oslo time in few characters, and
// carries the link; in both languages it is plain GSM-7 and, with a 43-character token and
// the signature, fits two segments.
func TestOfferSMS(t *testing.T) {
	t.Parallel()
	link := "https://selvhjelpshuset.no/tilbud/" + strings.Repeat("a", 43)
	want := map[i18n.Lang]string{
		i18n.NB: "Du har fått tilbud om plass i en gruppe. Svar innen 26.11. kl. 14.30: " + link,
		i18n.EN: "You have been offered a place in a group. Answer by 26 Nov 14:30: " + link,
	}
	for _, l := range i18n.Langs {
		got := offerSMS(l, link, mailtest.Expires)
		if got != want[l] {
			t.Errorf("%s: %q, want %q", l, got, want[l])
		}
		signed := got + "\n" + i18n.Translate(l, "sms.signature", "Name", "LINK Oslo", "Phone", "22 00 00 00")
		for _, r := range signed {
			if !strings.ContainsRune(gsm7, r) {
				t.Errorf("%s: %q is not GSM-7", l, r)
			}
		}
		if n := utf8.RuneCountInString(signed); n > 2*153 {
			t.Errorf("%s: %d characters, more than two segments", l, n)
		}
	}
}
