package events

import (
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

// Every e-mail of events renders in both languages with its link, time and footer.
func TestMessages(t *testing.T) {
	t.Parallel()
	at, link := mailtest.Expires, mailtest.Link
	mailtest.CheckMessages(t, mailtest.Builders{
		"event":         func(l i18n.Lang) mail.Message { return signupMail(l, "Kari", at, false, link) },
		"event waiting": func(l i18n.Lang) mail.Message { return signupMail(l, "Kari", at, true, link) },
		"event offer":   func(l i18n.Lang) mail.Message { return offerMail(l, "Kari", at, at, link) },
		"event reminder": func(l i18n.Lang) mail.Message {
			return reminderMail(l, "Kari", at, "https://zoom.example/j/1", link)
		},
	}, nil)
}
