package signups

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Every kind of sign-up mail renders in both languages with its link, time and footer.
func TestMailRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	at, link := mailtest.Expires, mailtest.Link
	mailtest.CheckMessages(t, mailtest.Builders{
		"signup": func(l i18n.Lang) mail.Message { return signupMail(l, "Kari", link, at) },
		"mylink": func(l i18n.Lang) mail.Message { return linkMail(l, "Kari", link, at) },
		"offer":  func(l i18n.Lang) mail.Message { return offerMail(l, "Kari", link, at) },
		"joined": func(l i18n.Lang) mail.Message {
			return joinedMail(l, "Kari", Joined{First: at, Place: "Kirkeveien 61", Link: "https://zoom.example.org/j/1", Passcode: "4321", Page: link, Expires: at})
		},
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
		i18n.NB: "Du har fått tilbud om plass i en gruppe. Svar innen tor. 26.11. kl. 14.30: " + link,
		i18n.EN: "You have been offered a place in a group. Answer by Thu 26 Nov 14:30: " + link,
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

// The schedule gives meetings at the group's local time on both sides of the change to
// summer time, every second week counted from the day the group started.
func TestScheduledAcrossSummerTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, tz.Oslo) // a Friday; summer time starts on Sunday 29 March
	g := MemberGroup{Weekday: 7, StartsAt: 18 * time.Hour, EndsAt: 19*time.Hour + 30*time.Minute, Frequency: "weekly"}
	got := scheduled(g, now, 2)
	want := []time.Time{time.Date(2026, 3, 22, 18, 0, 0, 0, tz.Oslo), time.Date(2026, 3, 29, 18, 0, 0, 0, tz.Oslo)}
	for i := range want {
		if !got[i].Start.Equal(want[i]) || got[i].End.Sub(got[i].Start) != 90*time.Minute {
			t.Errorf("meeting %d: %v–%v, want %v", i, got[i].Start, got[i].End, want[i])
		}
	}
	if got[0].Start.UTC().Hour() != 17 || got[1].Start.UTC().Hour() != 16 {
		t.Errorf("UTC hours %d and %d, want 17 and 16", got[0].Start.UTC().Hour(), got[1].Start.UTC().Hour())
	}
	started := time.Date(2026, 3, 15, 0, 0, 0, 0, tz.Oslo) // a Sunday: the 22nd is an off week
	g.Frequency, g.startedOn = "biweekly", &started
	got = scheduled(g, now, 2)
	if !got[0].Start.Equal(time.Date(2026, 3, 29, 18, 0, 0, 0, tz.Oslo)) || !got[1].Start.Equal(time.Date(2026, 4, 12, 18, 0, 0, 0, tz.Oslo)) {
		t.Errorf("every second week: %v, %v", got[0].Start, got[1].Start)
	}
	// A meeting under way today still counts; one that has ended does not.
	sunday := time.Date(2026, 3, 22, 19, 0, 0, 0, tz.Oslo)
	g.Frequency, g.startedOn = "weekly", nil
	if got = scheduled(g, sunday, 1); !got[0].Start.Equal(time.Date(2026, 3, 22, 18, 0, 0, 0, tz.Oslo)) {
		t.Errorf("during a meeting: %v", got[0].Start)
	}
	if got = scheduled(g, sunday.Add(time.Hour), 1); !got[0].Start.Equal(time.Date(2026, 3, 29, 18, 0, 0, 0, tz.Oslo)) {
		t.Errorf("after a meeting: %v", got[0].Start)
	}
	// A group that starts later meets from its start; a paused one has no meetings to tell of.
	later := time.Date(2026, 4, 20, 0, 0, 0, 0, tz.Oslo)
	g.startedOn = &later
	if got = scheduled(g, now, 1); !got[0].Start.Equal(time.Date(2026, 4, 26, 18, 0, 0, 0, tz.Oslo)) {
		t.Errorf("a group starting on 20 April: first meeting %v", got[0].Start)
	}
	g.startedOn, g.status = nil, "paused"
	if got = scheduled(g, now, 3); len(got) != 0 {
		t.Errorf("a paused group: %v", got)
	}
}
