package signups

import (
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// Legend explains the codes of an export in the person's language: for each field, named by
// its path in the JSON ("signups.status"), each code that occurs there and what it means.
// The words are those the person saw on the form and their page.
type Legend map[string]map[string]string

// legendOf explains each code x uses, in the language of its participant.
func legendOf(x Export) Legend {
	lang, _ := i18n.Parse(x.Participant.Lang)
	l := Legend{}
	add := func(field, prefix, code string) {
		if code == "" {
			return
		}
		label := i18n.Translate(lang, prefix+code)
		if label == prefix+code {
			label = code // a code without words yet: at least not the catalogue's key
		}
		if l[field] == nil {
			l[field] = map[string]string{}
		}
		l[field][code] = label
	}
	p := x.Participant
	add("participant.preferred_contact", "mine.contact.", p.Contact)
	add("participant.age_band", "signup.ageband.", p.AgeBand)
	add("participant.language", "signup.language.", p.Lang)
	for _, s := range x.Signups {
		add("signups.status", "mine.status.", s.Status)
		add("signups.consent_method", "export.consent.", s.ConsentMethod)
		add("signups.heard_about_us_from", "signup.source.", s.Source)
		for _, f := range s.Formats {
			add("signups.formats", "signup.format.", f)
		}
		for _, v := range s.Languages {
			add("signups.languages", "signup.language.", v)
		}
		for _, a := range s.Availability {
			if l["signups.availability"] == nil {
				l["signups.availability"] = map[string]string{}
			}
			l["signups.availability"][a] = slotWords(lang, a)
		}
	}
	for _, o := range x.Offers {
		add("offers.status", "offers.status.", o.Status)
		add("offers.channel", "mine.contact.", o.Channel)
	}
	for _, e := range x.EventSignups {
		add("event_signups.status", "events.status.", e.Status)
	}
	for _, m := range x.Queued {
		add("queued_messages.kind", "devmailbox.kind.", string(m.Kind))
		add("queued_messages.channel", "mine.contact.", string(m.Channel))
	}
	return l
}

// slotWords is a time a person can meet, "2-evening" (ISO weekday and part of day), in words:
// "tirsdag kveld".
func slotWords(lang i18n.Lang, slot string) string {
	day, part, ok := strings.Cut(slot, "-")
	if !ok {
		return slot
	}
	n, _ := strconv.Atoi(day)
	return i18n.Weekday(lang, n) + " " + i18n.Translate(lang, "signup.daypart."+part)
}
