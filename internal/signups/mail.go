package signups

import (
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// The mail a participant gets. None of it names the group or the theme: that someone wants a
// group on a theme is health data, and mail is read over shoulders. The page behind the link
// shows it.

// signupMail thanks a participant for signing up and gives the private link to "My
// sign-ups", which works until expires.
func signupMail(lang i18n.Lang, firstName, link string, expires time.Time) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindSignup,
		Subject:  i18n.Translate(lang, "mail.signup.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.signup.thanks"),
			i18n.Translate(lang, "mail.signup.next"),
			i18n.Translate(lang, "mail.signup.link"),
		},
		Action: mail.Action{Label: i18n.Translate(lang, "mail.signup.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.mylink.expires", "Expires", mail.FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.signup.unexpected"),
			i18n.Translate(lang, "mail.signup.help"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// linkMail sends a new private link to "My sign-ups" to a participant who asked for one.
func linkMail(lang i18n.Lang, firstName, link string, expires time.Time) mail.Message {
	return mail.Message{
		Lang:       lang,
		Kind:       mail.KindMyLink,
		Subject:    i18n.Translate(lang, "mail.mylink.subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{i18n.Translate(lang, "mail.mylink.asked")},
		Action:     mail.Action{Label: i18n.Translate(lang, "mail.signup.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.mylink.expires", "Expires", mail.FormatTime(lang, expires)),
			i18n.Translate(lang, "mail.mylink.unexpected"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// offerMail tells a person who waits that there is a place for them in a group, and gives the
// link where they see when and where it meets and answer before deadline.
func offerMail(lang i18n.Lang, firstName, link string, deadline time.Time) mail.Message {
	return mail.Message{
		Lang:     lang,
		Kind:     mail.KindOffer,
		Subject:  i18n.Translate(lang, "mail.offer.subject"),
		Greeting: i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: []string{
			i18n.Translate(lang, "mail.offer.place"),
			i18n.Translate(lang, "mail.offer.answer", "Deadline", mail.FormatTime(lang, deadline)),
		},
		Action: mail.Action{Label: i18n.Translate(lang, "mail.offer.action"), URL: link},
		Notes: []string{
			i18n.Translate(lang, "mail.offer.no"),
			i18n.Translate(lang, "mail.signup.help"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// offerSMS is the offer as a short SMS: no group, no theme (it is read on a lock screen), the
// deadline as a short date and time in Oslo, and the link.
func offerSMS(lang i18n.Lang, link string, deadline time.Time) string {
	layout := "2.1. kl. 15.04"
	if lang == i18n.EN {
		layout = "2 Jan 15:04"
	}
	return i18n.Translate(lang, "sms.offer", "Deadline", deadline.In(tz.Oslo).Format(layout), "Link", link)
}
