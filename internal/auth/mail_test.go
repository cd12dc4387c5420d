package auth_test

import (
	"strings"
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
	mailtest.CheckMessages(t, mailtest.Builders{
		"invitation": func(l i18n.Lang) mail.Message { return auth.InvitationMessage(l, "Kari Nordmann", link, expires) },
		"reset":      func(l i18n.Lang) mail.Message { return auth.PasswordResetMessage(l, link, expires) },
	}, nil)
}

// A name is text, never markup: the HTML body of an invitation escapes it, the text body keeps
// it as typed.
func TestInvitationEscapesNames(t *testing.T) {
	r, err := mail.Render(auth.InvitationMessage(i18n.NB, "<b>Ola & Kari</b>", link, expires))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<b>") || !strings.Contains(r.HTML, "&lt;b&gt;Ola &amp; Kari&lt;/b&gt;") {
		t.Errorf("name not escaped in HTML:\n%s", r.HTML)
	}
	if !strings.Contains(r.Text, "Hei, <b>Ola & Kari</b>!") {
		t.Errorf("text body changed the name:\n%s", r.Text)
	}
}
