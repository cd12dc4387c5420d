package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// Rendered is a message ready to store and send: its subject and both bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Render writes m as plain text and as HTML, in m's language. Both bodies say the same, and
// both end with the footer naming the sender and saying the message is automatic.
func Render(m Message) (Rendered, error) {
	var html strings.Builder
	ctx := i18n.WithLang(context.Background(), m.Lang)
	if err := htmlBody(m).Render(ctx, &html); err != nil {
		return Rendered{}, fmt.Errorf("mail: render html: %w", err)
	}
	return Rendered{Subject: m.Subject, Text: renderText(m), HTML: html.String()}, nil
}

// renderText is the plain-text body: paragraphs separated by blank lines, the action as its
// label and bare URL (mail programs make it a link), and the footer after the conventional
// "-- " signature line.
func renderText(m Message) string {
	var b strings.Builder
	para := func(s string) {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	para(m.Greeting)
	for _, p := range m.Paragraphs {
		para(p)
	}
	if m.Action.URL != "" {
		para(m.Action.Label + ":\n" + m.Action.URL)
	}
	for _, p := range m.Notes {
		para(p)
	}
	b.WriteString(m.Closing)
	b.WriteString("\n\n-- \n")
	b.WriteString(i18n.Translate(m.Lang, "mail.footer.sender"))
	b.WriteString("\n")
	b.WriteString(i18n.Translate(m.Lang, "mail.footer.automatic"))
	b.WriteString("\n")
	return b.String()
}
