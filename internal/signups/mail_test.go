package signups

import (
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

// Every kind of sign-up mail renders in both languages with its link, time and footer.
func TestMailRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	at, link := mailtest.Expires, mailtest.Link
	mailtest.CheckMessages(t, mailtest.Builders{
		"signup": func(l i18n.Lang) mail.Message { return signupMail(l, "Kari", link, at) },
		"mylink": func(l i18n.Lang) mail.Message { return linkMail(l, "Kari", link, at) },
		"offer":  func(l i18n.Lang) mail.Message { return offerMail(l, "Kari", link, at) },
	}, nil)
}
