// Package mail sends e-mail through an outbox: a message is rendered and stored in the outbox
// table, together with a River job that sends it, in the same transaction as the change it
// tells about. A worker sends it through SMTP (or, in development, the dev mailbox), retries
// while the server is away, and never sends a message twice once the server has taken it.
//
// Privacy: a subject or body must never name a participant's theme or group topic (angst,
// sorg, rus …), nor anything else that tells about someone's health. Mail passes through
// servers and inboxes we do not control and is read over shoulders; a builder writes what the
// reader needs to act, and the web page behind the link shows the rest after login.
package mail

import (
	"fmt"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Kind names what a message is about. It is stored with the message, for the dev mailbox and
// for counting; it never reaches the recipient.
type Kind string

// The kinds of mail the app sends.
const (
	KindInvitation    Kind = "invitation"
	KindPasswordReset Kind = "password_reset"
	KindSignup        Kind = "signup"
	KindMyLink        Kind = "my_link"
	KindContactLink   Kind = "contact_link"
	KindRoomAnswer    Kind = "room_answer"
	KindLoanAnswer    Kind = "loan_answer"
	KindLoanReminder  Kind = "loan_reminder"
	KindLoanOverdue   Kind = "loan_overdue"
	KindOffer         Kind = "offer"
	KindEvent         Kind = "event"
	KindEventOffer    Kind = "event_offer"
	KindEventReminder Kind = "event_reminder"
)

// Message is one e-mail before rendering: the view model both bodies are made from. Build it
// with a builder (Invitation, PasswordReset), then set To before Outbox.Enqueue.
type Message struct {
	To         string    // the recipient's address, without a display name
	Lang       i18n.Lang // the language the message is written in
	Kind       Kind
	Subject    string
	Greeting   string
	Paragraphs []string // before the action
	Action     Action   // the one thing the reader should do; zero when there is none
	Notes      []string // after the action: how long a link works, what to do if unexpected
	Closing    string   // may span lines
}

// Action is the button of a message: a label and an absolute https (or, in development, http)
// URL.
type Action struct {
	Label string
	URL   string
}

// Invitation tells a new staff member or partner that they have an account, and gives the
// link where they choose a password. name is the person's own name; link expires at expires.
func Invitation(lang i18n.Lang, name, link string, expires time.Time) Message {
	return Message{
		Lang:     lang,
		Kind:     KindInvitation,
		Subject:  i18n.Translate(lang, "mail.invitation.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.invitation.access"),
			i18n.Translate(lang, "mail.invitation.password"),
		},
		Action: Action{Label: i18n.Translate(lang, "mail.invitation.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.invitation.expires", "Expires", FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.invitation.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// PasswordReset gives the link where a user who forgot their password chooses a new one; the
// link expires at expires.
func PasswordReset(lang i18n.Lang, link string, expires time.Time) Message {
	return Message{
		Lang:     lang,
		Kind:     KindPasswordReset,
		Subject:  i18n.Translate(lang, "mail.reset.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting"),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.reset.asked"),
		},
		Action: Action{Label: i18n.Translate(lang, "mail.reset.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.reset.expires", "Expires", FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.reset.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// SignupConfirmation thanks a participant for signing up and gives the private link to "My
// sign-ups". It never names the group or theme: that is health data, and mail is read over
// shoulders. The page behind the link shows it.
func SignupConfirmation(lang i18n.Lang, firstName, link string, expires time.Time) Message {
	return Message{
		Lang:     lang,
		Kind:     KindSignup,
		Subject:  i18n.Translate(lang, "mail.signup.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.signup.thanks"),
			i18n.Translate(lang, "mail.signup.next"),
			i18n.Translate(lang, "mail.signup.link"),
		},
		Action: Action{Label: i18n.Translate(lang, "mail.signup.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.mylink.expires", "Expires", FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.signup.unexpected"),
			i18n.Translate(lang, "mail.signup.help"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// MyLink sends a new private link to "My sign-ups" to a participant who asked for one.
func MyLink(lang i18n.Lang, firstName, link string, expires time.Time) Message {
	return Message{
		Lang:       lang,
		Kind:       KindMyLink,
		Subject:    i18n.Translate(lang, "mail.mylink.subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{i18n.Translate(lang, "mail.mylink.asked")},
		Action:     Action{Label: i18n.Translate(lang, "mail.signup.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.mylink.expires", "Expires", FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.mylink.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// LoanAnswer is staff's answer to a request to borrow a Zoom or Whereby licence.
type LoanAnswer struct {
	Approved    bool
	Provider    string    // "zoom" or "whereby"
	First, Last time.Time // local dates of the period, both included
	Licence     string    // the licence's label; "" when declined
	Reason      string    // staff's words; required when declined
}

// LoanAnswerMessage tells the contact person name what staff decided on a licence loan. It
// never holds the credentials: a partner sees them behind link (the partner page) while the
// loan lasts, and a group's contact, who has no login (link is ""), gets them from staff.
func LoanAnswerMessage(lang i18n.Lang, name string, a LoanAnswer, link string) Message {
	verdict := "mail.loan.declined"
	if a.Approved {
		verdict = "mail.loan.approved"
	}
	what := i18n.Translate(lang, "mail.loan.period", "Provider", providerName(lang, a.Provider),
		"First", FormatDate(lang, a.First), "Last", FormatDate(lang, a.Last))
	m := Message{
		Lang:       lang,
		Kind:       KindLoanAnswer,
		Subject:    i18n.Translate(lang, verdict+".subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{i18n.Translate(lang, verdict, "What", what)},
		Notes:      []string{i18n.Translate(lang, "mail.loan.questions")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
	if a.Approved && a.Licence != "" {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.loan.licence", "Licence", a.Licence))
	}
	if a.Approved {
		how := "mail.loan.credentials.page"
		if link == "" {
			how = "mail.loan.credentials.staff"
		}
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, how))
	}
	if a.Reason != "" {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.loan.reason", "Reason", a.Reason))
	}
	if link != "" {
		m.Action = Action{Label: i18n.Translate(lang, "mail.loan.action"), URL: link}
	}
	return m
}

// LoanReminderMessage reminds the contact person name that the loan of a provider licence
// ends at ends (the midnight after its last day), daysLeft (7 or 1) days ahead, and that the
// licence then goes back and is closed for use. link is the partner page, or "" for a group.
func LoanReminderMessage(lang i18n.Lang, name, provider string, ends time.Time, daysLeft int, link string) Message {
	p := providerName(lang, provider)
	m := Message{
		Lang:     lang,
		Kind:     KindLoanReminder,
		Subject:  i18n.Translate(lang, "mail.loan.reminder.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.loan.reminder.ends", "Count", daysLeft, "Provider", p,
				"Last", FormatDate(lang, ends.Add(-time.Hour))),
			i18n.Translate(lang, "mail.loan.reminder.after", "Ends", FormatTime(lang, ends)),
		},
		Notes:   []string{i18n.Translate(lang, "mail.loan.reminder.longer")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
	if link != "" {
		m.Action = Action{Label: i18n.Translate(lang, "mail.loan.action"), URL: link}
	}
	return m
}

// LoanOverdueMessage tells the contact person name that the loan of a provider licence ended
// at ended: they must stop using it, and contact the centre. link is as for the reminder.
func LoanOverdueMessage(lang i18n.Lang, name, provider string, ended time.Time, link string) Message {
	m := Message{
		Lang:     lang,
		Kind:     KindLoanOverdue,
		Subject:  i18n.Translate(lang, "mail.loan.overdue.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.loan.overdue.ended", "Provider", providerName(lang, provider), "Ended", FormatTime(lang, ended)),
			i18n.Translate(lang, "mail.loan.overdue.stop"),
		},
		Notes:   []string{i18n.Translate(lang, "mail.loan.overdue.contact")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
	if link != "" {
		m.Action = Action{Label: i18n.Translate(lang, "mail.loan.action"), URL: link}
	}
	return m
}

// providerName is the display name of a licence provider: "Zoom" or "Whereby".
func providerName(lang i18n.Lang, provider string) string {
	switch provider {
	case "zoom", "whereby":
		return i18n.Translate(lang, "mail.provider."+provider)
	}
	return provider
}

// Offer tells a person who waits that there is a place for them in a group, and gives the
// link where they see when and where it meets and answer before deadline. Like every mail to
// a participant it names neither the group nor its theme.
func Offer(lang i18n.Lang, firstName, link string, deadline time.Time) Message {
	return Message{
		Lang:     lang,
		Kind:     KindOffer,
		Subject:  i18n.Translate(lang, "mail.offer.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.offer.place"),
			i18n.Translate(lang, "mail.offer.answer", "Deadline", FormatTime(lang, deadline)),
		},
		Action: Action{Label: i18n.Translate(lang, "mail.offer.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.offer.no"),
			i18n.Translate(lang, "mail.signup.help"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// EventSignup confirms a sign-up for an event, or says the person is on its waiting list,
// with the private link where they see the details, get the calendar file and cancel.
func EventSignup(lang i18n.Lang, firstName, title string, starts time.Time, waiting bool, link string) Message {
	status := "mail.event.confirmed"
	if waiting {
		status = "mail.event.waiting"
	}
	return Message{
		Lang:       lang,
		Kind:       KindEvent,
		Subject:    i18n.Translate(lang, status+".subject", "Title", title),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{i18n.Translate(lang, status, "Title", title, "When", FormatTime(lang, starts)), i18n.Translate(lang, "mail.event.link")},
		Action:     Action{Label: i18n.Translate(lang, "mail.event.action"), URL: link},
		Notes:      []string{i18n.Translate(lang, "mail.event.cancel")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
}

// EventOffer offers a freed place at an event to the next person on its waiting list.
func EventOffer(lang i18n.Lang, firstName, title string, starts, deadline time.Time, link string) Message {
	return Message{
		Lang:     lang,
		Kind:     KindEventOffer,
		Subject:  i18n.Translate(lang, "mail.eventoffer.subject", "Title", title),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.eventoffer.place", "Title", title, "When", FormatTime(lang, starts)),
			i18n.Translate(lang, "mail.eventoffer.answer", "Deadline", FormatTime(lang, deadline)),
		},
		Action:  Action{Label: i18n.Translate(lang, "mail.eventoffer.action"), URL: link},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// EventReminder reminds a confirmed person of tomorrow's event; where is the meeting link of
// a digital event or the address of the house.
func EventReminder(lang i18n.Lang, firstName, title string, starts time.Time, where, link string) Message {
	return Message{
		Lang:     lang,
		Kind:     KindEventReminder,
		Subject:  i18n.Translate(lang, "mail.eventreminder.subject", "Title", title),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.eventreminder.when", "Title", title, "When", FormatTime(lang, starts)),
			i18n.Translate(lang, "mail.eventreminder.where", "Where", where),
		},
		Action:  Action{Label: i18n.Translate(lang, "mail.event.action"), URL: link},
		Notes:   []string{i18n.Translate(lang, "mail.event.cancel")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// FormatTime writes t as a reader expects it in a letter, in Oslo time: "torsdag 26. november
// 2026 kl. 14.30" or "Thursday 26 November 2026 at 14:30 (Norwegian time)".
func FormatTime(lang i18n.Lang, t time.Time) string {
	t = t.In(tz.Oslo)
	return i18n.Translate(lang, "mail.datetime", append(dateArgs(lang, t),
		"Hour", fmt.Sprintf("%02d", t.Hour()), "Minute", fmt.Sprintf("%02d", t.Minute()))...)
}

// FormatDate writes the local date of t as a letter does: "tirsdag 5. januar 2027".
func FormatDate(lang i18n.Lang, t time.Time) string {
	return i18n.Translate(lang, "mail.date", dateArgs(lang, t.In(tz.Oslo))...)
}

func dateArgs(lang i18n.Lang, t time.Time) []any {
	return []any{"Weekday", i18n.Translate(lang, fmt.Sprintf("mail.weekday.%d", t.Weekday())), "Day", t.Day(),
		"Month", i18n.Translate(lang, fmt.Sprintf("mail.month.%d", t.Month())), "Year", t.Year()}
}

// lines splits a text that may span lines, such as a closing, for the HTML body.
func lines(s string) []string { return strings.Split(s, "\n") }
