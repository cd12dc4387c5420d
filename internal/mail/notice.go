package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// The kinds of the messages staff write and of the notices a change sends.
const (
	KindMessage Kind = "message" // staff's own text to a group's members or an event's people
	KindNotice  Kind = "notice"  // a cancelled meeting, a closure, a moved or cancelled event
)

// Person is someone a message or a notice goes to, with the name staff know them by.
type Person struct {
	Name string
	Recipient
}

// Tally is how a list of people is reached: how many by e-mail, how many by SMS, and whom
// nobody can write to, so staff must phone them.
type Tally struct {
	Email, SMS int
	Phone      []Person
}

// Total is how many people the tally counts.
func (t Tally) Total() int { return t.Email + t.SMS + len(t.Phone) }

// add counts p as reached by ch.
func (t *Tally) add(p Person, ch Channel) {
	switch ch {
	case ChannelEmail:
		t.Email++
	case ChannelSMS:
		t.SMS++
	default:
		t.Phone = append(t.Phone, p)
	}
}

// Count tallies people by the channel each would be reached by, without queueing anything:
// the preview staff see before they save a change or send a message.
func Count(people []Person) Tally {
	var t Tally
	for _, p := range Unique(people) {
		t.add(p, p.Channel())
	}
	return t
}

// Unique drops the later of two entries for one person (see Key): a member who is also the
// group's contact person is told once.
func Unique(people []Person) []Person {
	seen := map[string]bool{}
	var out []Person
	for _, p := range people {
		if k := p.Key(); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// Key tells people apart: their e-mail address, else their phone number in E.164, else (when
// nobody can write to them) their name.
func (p Person) Key() string {
	switch {
	case p.Email != "":
		return "e:" + strings.ToLower(strings.TrimSpace(p.Email))
	case p.Phone != "":
		if n, err := sms.Normalize(p.Phone); err == nil {
			return "p:" + n
		}
		return "p:" + p.Phone
	}
	return "n:" + p.Name
}

// ReachAll queues one message to each of people (once per person, see Unique) on tx by their
// channel, built by build as an e-mail and an SMS text in the person's language. It returns
// the tally of what was queued; those in Tally.Phone got nothing and must be phoned.
func (o *Outbox) ReachAll(ctx context.Context, tx pgx.Tx, people []Person, build func(Person) (Message, string)) (Tally, error) {
	var t Tally
	for _, p := range Unique(people) {
		if p.Lang != i18n.EN {
			p.Lang = i18n.NB
		}
		m, text := build(p)
		ch, err := o.Reach(ctx, tx, p.Recipient, m, text)
		if err != nil {
			return t, fmt.Errorf("mail: reach: %w", err)
		}
		t.add(p, ch)
	}
	return t, nil
}

// FormatShort writes t for an SMS, in Oslo time and GSM-7 characters only: "tor. 26.11.
// kl. 14.30" or "Thu 26 Nov 14:30".
func FormatShort(lang i18n.Lang, t time.Time) string {
	t = t.In(tz.Oslo)
	return i18n.Translate(lang, "sms.datetime", "Weekday", i18n.Translate(lang, fmt.Sprintf("sms.weekday.%d", t.Weekday())),
		"Day", t.Day(), "Month", int(t.Month()), "MonthName", i18n.Translate(lang, fmt.Sprintf("sms.month.%d", t.Month())),
		"Hour", fmt.Sprintf("%02d", t.Hour()), "Minute", fmt.Sprintf("%02d", t.Minute()))
}

// MaxMessage is the longest text staff may send to a group's members or an event's people:
// about four SMS segments.
const MaxMessage = 600

// MessageForm is staff's message to a group's members or an event's people: the text, and
// the answer to the preview (Confirmed: send it).
type MessageForm struct {
	Text      string
	Confirmed bool
}

// Validate trims the text and checks it; messages are catalogue ids.
func (f *MessageForm) Validate() validate.Errors {
	var e validate.Errors
	f.Text = strings.TrimSpace(strings.ReplaceAll(f.Text, "\r\n", "\n"))
	if e.Required("text", f.Text, "message.text.required") {
		e.MaxLength("text", f.Text, MaxMessage, "message.text.tooLong")
	}
	return e
}

// StaffMessage is staff's text as an e-mail and as an SMS in lang, to name. Its subject is
// the same for every message ("Melding fra LINK Oslo"): it never names the group or its
// theme, and neither may the text (the form asks staff not to).
func StaffMessage(lang i18n.Lang, name, text string) (Message, string) {
	m := Message{
		Lang:       lang,
		Kind:       KindMessage,
		Subject:    i18n.Translate(lang, "message.subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting"),
		Paragraphs: strings.Split(text, "\n"),
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
	if name != "" {
		m.Greeting = i18n.Translate(lang, "mail.greeting.name", "Name", name)
	}
	return m, text
}

// SendMessage queues staff's text to each of people on tx by their channel (see ReachAll),
// with the generic subject of StaffMessage.
func (o *Outbox) SendMessage(ctx context.Context, tx pgx.Tx, people []Person, text string) (Tally, error) {
	if o == nil {
		return Tally{}, ErrNoOutbox
	}
	return o.ReachAll(ctx, tx, people, func(p Person) (Message, string) { return StaffMessage(p.Lang, p.Name, text) })
}

// Counts is the tally as an audit line's details: numbers only, never a text or a name.
func (t Tally) Counts() map[string]any {
	return map[string]any{"email": t.Email, "sms": t.SMS, "phone": len(t.Phone)}
}
