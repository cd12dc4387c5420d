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

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
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
	KindJoined        Kind = "joined" // a person has a place in a group: first meeting, place or link
	KindRequestDigest Kind = "request_digest"
)

// Answerable reports whether people may answer mail of kind k: its reply goes to the centre's
// address (Reply-To). Invitations and password resets carry a link that works as a key, and
// a reply would send that key on; they say they cannot be answered.
func (k Kind) Answerable() bool { return k != KindInvitation && k != KindPasswordReset }

// Message is one e-mail before rendering: the view model both bodies are made from. Build it
// with the builder of the feature that sends it, then set To before Outbox.Enqueue.
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
	// Centre is whom the footer names and how to reach them. Outbox.Enqueue sets it from the
	// settings on its transaction; Render uses centre.Default() when it is unset (previews
	// and tests of a builder).
	Centre centre.Contact
}

// Action is the button of a message: a label and an absolute https (or, in development, http)
// URL.
type Action struct {
	Label string
	URL   string
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
