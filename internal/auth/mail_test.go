package auth_test

import (
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

var expires = mailtest.Expires

const link = mailtest.Link

// Both account mails render in both languages with their link, expiry and footer.
func TestAccountMailBothLanguages(t *testing.T) {
	t.Parallel()
	mailtest.CheckMessages(t, mailtest.Builders{
		"invitation": func(l i18n.Lang) mail.Message { return auth.InvitationMessage(l, "Kari Nordmann", link, expires) },
		"reset":      func(l i18n.Lang) mail.Message { return auth.PasswordResetMessage(l, link, expires) },
	}, nil)
}
