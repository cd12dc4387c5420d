package licences

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// The mail of a loan: the answer to a request (Decide) and the reminders around its end
// (SendReminders). None ever holds the credentials: a partner sees them behind the link to
// the partner page while the loan lasts, and a group's contact, who has no login, gets them
// from staff. Each builder takes the contact person's name; the caller sets To.

// answer is staff's answer to a request to borrow a Zoom or Whereby licence.
type answer struct {
	Approved    bool
	Provider    string    // "zoom" or "whereby"
	First, Last time.Time // local dates of the period, both included
	Licence     string    // the licence's label; "" when declined
	Seats       int       // the licence's most participants
	MaxMinutes  *int      // how long its meetings may last; nil: no limit
	Reason      string    // staff's words; required when declined
}

// answerMessage tells the contact person name what staff decided on a licence loan. link is
// the partner page, or "" for a group's contact.
func answerMessage(lang i18n.Lang, name string, a answer, link string) mail.Message {
	verdict := "mail.loan.declined"
	if a.Approved {
		verdict = "mail.loan.approved"
	}
	what := i18n.Translate(lang, "mail.loan.period", "Provider", providerName(lang, a.Provider),
		"First", mail.FormatDate(lang, a.First), "Last", mail.FormatDate(lang, a.Last))
	m := mail.Message{
		Lang:       lang,
		Kind:       mail.KindLoanAnswer,
		Subject:    i18n.Translate(lang, verdict+".subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{i18n.Translate(lang, verdict, "What", what)},
		Notes:      []string{i18n.Translate(lang, "mail.loan.questions")},
		Closing:    i18n.Translate(lang, "mail.closing"),
	}
	if a.Approved && a.Licence != "" {
		m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.loan.licence", "Licence", a.Licence))
		// One sentence in two messages, so that each number has its own plural forms.
		if a.MaxMinutes != nil {
			m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.loan.limits", "Count", a.Seats)+
				i18n.Translate(lang, "mail.loan.limits.minutes", "Count", *a.MaxMinutes))
		} else if a.Seats > 0 {
			m.Paragraphs = append(m.Paragraphs, i18n.Translate(lang, "mail.loan.limits", "Count", a.Seats)+
				i18n.Translate(lang, "mail.loan.limits.open"))
		}
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
		m.Action = mail.Action{Label: i18n.Translate(lang, "mail.loan.action"), URL: link}
	}
	return m
}

// reminderMessage reminds the contact person name that the loan of a provider licence ends
// at ends (the midnight after its last day), daysLeft (7 or 1) days ahead, and that the
// licence then goes back and is closed for use. link is the partner page, or "" for a group.
func reminderMessage(lang i18n.Lang, name, provider string, ends time.Time, daysLeft int, link string) mail.Message {
	p := providerName(lang, provider)
	m := mail.Message{
		Lang:     lang,
		Kind:     mail.KindLoanReminder,
		Subject:  i18n.Translate(lang, "mail.loan.reminder.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.loan.reminder.ends", "Count", daysLeft, "Provider", p,
				"Last", mail.FormatDate(lang, ends.Add(-time.Hour))),
			i18n.Translate(lang, "mail.loan.reminder.after", "Ends", mail.FormatTime(lang, ends)),
		},
		Notes:   []string{i18n.Translate(lang, "mail.loan.reminder.longer")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
	if link != "" {
		m.Action = mail.Action{Label: i18n.Translate(lang, "mail.loan.action"), URL: link}
	}
	return m
}

// overdueMessage tells the contact person name that the loan of a provider licence ended at
// ended: they must stop using it, and contact the centre. link is as for the reminder.
func overdueMessage(lang i18n.Lang, name, provider string, ended time.Time, link string) mail.Message {
	m := mail.Message{
		Lang:     lang,
		Kind:     mail.KindLoanOverdue,
		Subject:  i18n.Translate(lang, "mail.loan.overdue.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.loan.overdue.ended", "Provider", providerName(lang, provider), "Ended", mail.FormatTime(lang, ended)),
			i18n.Translate(lang, "mail.loan.overdue.stop"),
		},
		Notes:   []string{i18n.Translate(lang, "mail.loan.overdue.contact")},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
	if link != "" {
		m.Action = mail.Action{Label: i18n.Translate(lang, "mail.loan.action"), URL: link}
	}
	return m
}

// providerName is the display name of a licence provider in a mail: "Zoom" or "Whereby".
func providerName(lang i18n.Lang, provider string) string {
	switch provider {
	case Zoom, Whereby:
		return i18n.Translate(lang, "mail.provider."+provider)
	}
	return provider
}

// partnerPage is where a partner's contact sees the organisation's loans; a group's contact
// has no login, so its mail has no link.
const partnerPage = "/partner/lisenser"

// mailAnswer queues the answer to request q's contact, in the language of the request, on
// tx: loan is the loan an approval made (zero when declined).
func (s *Store) mailAnswer(ctx context.Context, tx pgx.Tx, q Request, loan Loan) error {
	link := ""
	if q.OrgID != 0 {
		link = s.out.URL(partnerPage)
	}
	lang, _ := i18n.Parse(q.Lang) // an unknown language gets Norwegian
	m := answerMessage(lang, q.ContactName, answer{Approved: q.Status == Approved, Provider: q.Provider,
		First: q.Starts, Last: q.LastDay(), Licence: loan.Label, Seats: loan.MaxParticipants, MaxMinutes: loan.MaxMinutes, Reason: q.Reason}, link)
	m.To = q.ContactEmail
	_, err := s.out.Enqueue(ctx, tx, m)
	return err
}
