package auth

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
)

// InvitationMessage tells a new staff member or partner that they have an account, and gives
// the link where they choose a password. name is the person's own name; link expires at
// expires.
func InvitationMessage(lang i18n.Lang, name, link string, expires time.Time) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindInvitation,
		Subject:  i18n.Translate(lang, "mail.invitation.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", name),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.invitation.access"),
			i18n.Translate(lang, "mail.invitation.password"),
		},
		Action: mail.Action{Label: i18n.Translate(lang, "mail.invitation.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.invitation.expires", "Expires", mail.FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.invitation.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// PasswordResetMessage gives the link where a user who forgot their password chooses a new
// one; the link expires at expires.
func PasswordResetMessage(lang i18n.Lang, link string, expires time.Time) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindPasswordReset,
		Subject:  i18n.Translate(lang, "mail.reset.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting"),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.reset.asked"),
		},
		Action: mail.Action{Label: i18n.Translate(lang, "mail.reset.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.reset.expires", "Expires", mail.FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.reset.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// mailLink issues a new one-time link of purpose p to u and queues, on tx, the mail that
// carries it to u's address, in the language of ctx: the request of whoever asked for it.
func mailLink(ctx context.Context, tx pgx.Tx, out *mail.Outbox, u User, p Purpose) error {
	path, ttl := "/nytt-passord/", ResetTTL
	if p == Invitation {
		path, ttl = "/invitasjon/", InvitationTTL
	}
	token, expires, err := NewStore(tx).IssueLink(ctx, u.ID, p, ttl)
	if err != nil {
		return err
	}
	lang, link := i18n.LangOf(ctx), out.URL(path+token)
	msg := PasswordResetMessage(lang, link, expires)
	if p == Invitation {
		msg = InvitationMessage(lang, u.Name, link, expires)
	}
	msg.To = u.Email
	_, err = out.Enqueue(ctx, tx, msg)
	return err
}
