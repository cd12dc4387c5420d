package pages

import (
	"context"
	"fmt"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// eventTitle names what happened: a staff action by its audit label, a record by its own.
func eventTitle(ctx context.Context, e signups.Event) string {
	if e.Source == "audit" {
		return i18n.T(ctx, "audit.action."+e.What)
	}
	return i18n.T(ctx, "desk.timeline."+e.What)
}

// eventSubject is the group or theme of an event, or the kind of a message.
func eventSubject(ctx context.Context, e signups.Event) string {
	if strings.HasPrefix(e.What, "message.") {
		return i18n.T(ctx, "devmailbox.kind."+e.Subject)
	}
	return e.Subject
}

// contactLabels name the fields of a contact change, in the order the history shows them.
var contactLabels = []struct{ field, label, values string }{
	{"first_name", "signup.name", ""}, {"email", "form.email", ""}, {"phone", "signup.phone", ""},
	{"contact", "participant.contact", "participant.contact."}, {"lang", "desk.lang", "signup.language."},
}

// eventLines are the details of an event worth reading: what a contact change changed, why
// a sign-up was withdrawn, what came of a call, by which channel a message or offer went.
func eventLines(ctx context.Context, e signups.Event) []string {
	switch e.What {
	case audit.ContactChanged:
		return contactChanges(ctx, e.Details)
	case audit.SignupWithdrawnByStaff:
		lines := []string{i18n.T(ctx, "desk.timeline.reason", "Reason", i18n.T(ctx, "desk.withdraw.reason."+str(e.Details["reason"])))}
		if t := str(e.Details["text"]); t != "" {
			lines = append(lines, t)
		}
		if e.Details["offer_id"] != nil {
			lines = append(lines, i18n.T(ctx, "desk.timeline.offerWithdrawn"))
		}
		return lines
	case audit.StaffNoteChanged:
		if str(e.Details["length"]) == "0" {
			return []string{i18n.T(ctx, "desk.timeline.noteCleared")}
		}
		return nil
	case audit.OfferCalled:
		if o := str(e.Details["outcome"]); o != "" {
			return []string{i18n.T(ctx, "calls."+o)}
		}
	}
	if ch := str(e.Details["channel"]); ch != "" && e.Source == "record" {
		return []string{i18n.T(ctx, "desk.timeline.channel", "Channel", i18n.T(ctx, "offers.channel."+ch))}
	}
	return nil
}

func contactChanges(ctx context.Context, d map[string]any) []string {
	from, _ := d["from"].(map[string]any)
	to, _ := d["to"].(map[string]any)
	var lines []string
	for _, c := range contactLabels {
		if _, ok := to[c.field]; !ok {
			continue
		}
		lines = append(lines, i18n.T(ctx, "desk.timeline.change", "Field", i18n.T(ctx, c.label),
			"From", contactValue(ctx, c.values, str(from[c.field])), "To", contactValue(ctx, c.values, str(to[c.field]))))
	}
	return lines
}

func contactValue(ctx context.Context, prefix, v string) string {
	switch {
	case v == "":
		return i18n.T(ctx, "desk.timeline.empty")
	case prefix != "":
		return i18n.T(ctx, prefix+v)
	}
	return v
}

// str writes a detail of an audit line (a string or a JSON number) as text.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(v)
}
