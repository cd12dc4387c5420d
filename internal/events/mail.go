package events

import (
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// The e-mails of events, each built here and nowhere else. They never name the event: a title
// may name a theme ("Kaffetreff for pårørende"), and a subject or a line of a mail is read by
// whoever sees the inbox. They give the time; the private page behind the link names it.

// signupMail confirms a sign-up for an event, or says the person is on its waiting list,
// with the private link where they see the details, get the calendar file and cancel.
func signupMail(lang i18n.Lang, firstName string, starts time.Time, waiting bool, link string) mail.Message {
	status := "mail.event.confirmed"
	if waiting {
		status = "mail.event.waiting"
	}
	return mail.Message{
		Lang:       lang,
		Kind:       mail.KindEvent,
		Subject:    i18n.Translate(lang, status+".subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{i18n.Translate(lang, status, "When", mail.FormatTime(lang, starts)), i18n.Translate(lang, "mail.event.link")},
		Action:     mail.Action{Label: i18n.Translate(lang, "mail.event.action"), URL: link},
		Notes:      []string{i18n.Translate(lang, "mail.event.cancel")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
}

// offerMail offers a freed place at an event to the next person on its waiting list.
func offerMail(lang i18n.Lang, firstName string, starts, deadline time.Time, link string) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindEventOffer,
		Subject:  i18n.Translate(lang, "mail.eventoffer.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.eventoffer.place", "When", mail.FormatTime(lang, starts)),
			i18n.Translate(lang, "mail.eventoffer.answer", "Deadline", mail.FormatTime(lang, deadline)),
		},
		Action:  mail.Action{Label: i18n.Translate(lang, "mail.eventoffer.action"), URL: link},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// reminderMail reminds a confirmed person of tomorrow's event; where is the meeting link of
// a digital event or the address of the house.
func reminderMail(lang i18n.Lang, firstName string, starts time.Time, where, link string) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindEventReminder,
		Subject:  i18n.Translate(lang, "mail.eventreminder.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.eventreminder.when", "When", mail.FormatTime(lang, starts)),
			i18n.Translate(lang, "mail.eventreminder.where", "Where", where),
		},
		Action:  mail.Action{Label: i18n.Translate(lang, "mail.event.action"), URL: link},
		Notes:   []string{i18n.Translate(lang, "mail.event.cancel")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}
