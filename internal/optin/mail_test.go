package optin

import (
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
)

// The confirmation mail renders in both languages with its link and end, and greets nobody
// by name: the name was typed by whoever filled in the form.
func TestConfirmMailRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	mailtest.CheckMessages(t, mailtest.Builders{
		"signup": func(l i18n.Lang) mail.Message { return confirmMail(l, KindSignup, mailtest.Link, mailtest.Expires) },
		"event":  func(l i18n.Lang) mail.Message { return confirmMail(l, KindEvent, mailtest.Link, mailtest.Expires) },
	}, nil)
	for _, l := range i18n.Langs {
		r, err := mail.Render(confirmMail(l, KindSignup, mailtest.Link, mailtest.Expires))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.Text, "{{") || !strings.Contains(r.Text, i18n.Translate(l, "mail.confirm.unexpected")) {
			t.Errorf("%s: the mail does not say what to do if it was not them:\n%s", l, r.Text)
		}
	}
}
