package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// Rendered is a message ready to store and send: its subject and both bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Render writes m as plain text and as HTML, in m's language. Both bodies say the same, and
// both end with the footer naming the sender, how to reach them (phone, e-mail, telephone
// hours) and whether the message may be answered.
func Render(m Message) (Rendered, error) {
	if m.Centre == (centre.Contact{}) {
		m.Centre = centre.Default()
	}
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
	for _, l := range footer(m) {
		b.WriteString(l)
		b.WriteString("\n")
	}
	return b.String()
}

// footer is the lines that end every mail: the centre's name and address, its phone and
// e-mail, its telephone hours when set, and whether the message may be answered.
func footer(m Message) []string {
	c := m.Centre
	out := []string{
		i18n.Translate(m.Lang, "mail.footer.sender", "Name", c.Name, "Address", c.VisitingAddress()),
		i18n.Translate(m.Lang, "mail.footer.contact", "Phone", c.PhoneDisplay(), "Email", c.Email),
	}
	if c.PhoneHours != "" {
		out = append(out, i18n.Translate(m.Lang, "mail.footer.hours", "Hours", c.PhoneHours))
	}
	if m.Kind.Answerable() {
		return append(out, i18n.Translate(m.Lang, "mail.footer.reply"))
	}
	return append(out, i18n.Translate(m.Lang, "mail.footer.automatic"))
}
