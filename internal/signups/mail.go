package signups

import (
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
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

// signupSMS is the confirmation of a sign-up as a text: thanks, what happens next and the
// private link, naming neither group nor theme.
func signupSMS(lang i18n.Lang, firstName, link string) string {
	return i18n.Translate(lang, "sms.signup", "Name", firstName, "Link", link)
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
	return i18n.Translate(lang, "sms.offer", "Deadline", mail.FormatShort(lang, deadline), "Link", link)
}

// Joined is what the confirmation to a new member says about their group, without its name
// or theme: the first meeting, the place or the meeting link, and their private link.
type Joined struct {
	First      time.Time // the first meeting; zero when none is known yet
	Place      string    // the address with floor, or a partner's venue; "" online only
	HowToGetIn string
	Link       string // the meeting link of a group that meets online
	Passcode   string
	Page       string // the private link to "My sign-ups"
	Expires    time.Time
}

// joinedMail confirms to a person that they now have a place in a group, and tells them when
// the first meeting is, where it is or its link, and where to see the rest and get a
// calendar file: their private page. It never names the group.
func joinedMail(lang i18n.Lang, firstName string, j Joined) mail.Message {
	first := i18n.Translate(lang, "mail.joined.noDate")
	if !j.First.IsZero() {
		first = i18n.Translate(lang, "mail.joined.first", "When", mail.FormatTime(lang, j.First))
	}
	paras := []string{i18n.Translate(lang, "mail.joined.place"), first}
	if j.Place != "" {
		paras = append(paras, i18n.Translate(lang, "mail.joined.where", "Place", j.Place))
		if j.HowToGetIn != "" {
			paras = append(paras, j.HowToGetIn)
		}
	}
	if j.Link != "" {
		paras = append(paras, i18n.Translate(lang, "mail.joined.link", "Link", j.Link))
		if j.Passcode != "" {
			paras = append(paras, i18n.Translate(lang, "mail.joined.passcode", "Passcode", j.Passcode))
		}
	}
	paras = append(paras, i18n.Translate(lang, "mail.joined.page"))
	return mail.Message{
		Lang:       lang,
		Kind:       mail.KindJoined,
		Subject:    i18n.Translate(lang, "mail.joined.subject"),
		Greeting:   i18n.Translate(lang, "mail.greeting.name", "Name", firstName),
		Paragraphs: paras,
		Action:     mail.Action{Label: i18n.Translate(lang, "mail.signup.action"), URL: j.Page},
		Notes: []string{
			i18n.Translate(lang, "mail.joined.leave"),
			i18n.Translate(lang, "mail.mylink.expires", "Expires", mail.FormatTime(lang, j.Expires)),
			i18n.Translate(lang, "mail.signup.help"),
		},
		Closing: i18n.Translate(lang, "mail.closing"),
	}
}

// joinedSMS is the confirmation as a text: short, without the group's name, the first
// meeting's time and the link to see more.
func joinedSMS(lang i18n.Lang, firstName string, j Joined) string {
	if j.First.IsZero() {
		return i18n.Translate(lang, "sms.joined.noDate", "Name", firstName, "Link", j.Page)
	}
	return i18n.Translate(lang, "sms.joined", "Name", firstName, "When", mail.FormatShort(lang, j.First), "Link", j.Page)
}
