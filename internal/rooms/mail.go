package rooms

import (
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// The mail of the rooms: a contact person's private link and the answer to a request. Like
// all mail, it never names a group: a group's name may tell its theme.

// contactLinkMessage gives a group's contact person the private link to the group's room
// schedule, where they ask for a time or a cancellation.
func contactLinkMessage(lang i18n.Lang, name, link string, expires time.Time) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindContactLink,
		Subject:  i18n.Translate(lang, "mail.contact.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.contact.why"),
			i18n.Translate(lang, "mail.contact.what"),
		},
		Action: mail.Action{Label: i18n.Translate(lang, "mail.contact.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.contact.expires", "Expires", mail.FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.contact.private"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// answer is staff's answer to a request for a room time or a cancellation, as the mail
// tells it.
type answer struct {
	Approved bool
	Cancel   bool      // the request was to cancel a meeting
	First    time.Time // the (first) meeting asked for
	Room     string
	Repeats  string // "every week until …", already written in the answer's language; "" for one meeting
	Reason   string // staff's words; required when declined
	Skipped  []time.Time
	Changed  []string // what was booked instead of what was asked for, already written
}

// answerMessage tells the requester what staff decided. link is the page with their
// requests; the contact person of a group has none to log in to, so theirs may be "".
func answerMessage(lang i18n.Lang, a answer, link string) mail.Message {
	what := "mail.room.slot"
	if a.Cancel {
		what = "mail.room.cancel"
	}
	verdict := "mail.room.declined"
	if a.Approved {
		verdict = "mail.room.approved"
	}
	m := mail.Message{
		Lang:     lang,
		Kind:     mail.KindRoomAnswer,
		Subject:  i18n.Translate(lang, verdict+".subject"),
		Greeting: i18n.Translate(lang, "mail.greeting"),
		Paragraphs: []string{
			i18n.Translate(lang, verdict, "What", i18n.Translate(lang, what, "When", mail.FormatTime(lang, a.First), "Room", a.Room)),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
	m.Paragraphs = append(m.Paragraphs, a.Changed...)
	if a.Repeats != "" {
		m.Paragraphs = append(m.Paragraphs, a.Repeats)
	}
	if len(a.Skipped) > 0 {
		days := make([]string, len(a.Skipped))
		for i, d := range a.Skipped {
			days[i] = mail.FormatTime(lang, d)
		}
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.room.skipped", "Days", strings.Join(days, "; ")))
	}
	if a.Reason != "" {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.room.reason", "Reason", a.Reason))
	}
	if link != "" {
		m.Action = mail.Action{Label: i18n.Translate(lang, "mail.room.action"), URL: link}
	}
	m.Notes = []string{i18n.Translate(lang, "mail.room.questions")}
	return m
}
