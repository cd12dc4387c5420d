package signups_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Members lists the current members only, by name, each with the channel they are reached
// by; staff's view is audited; a message reaches each by their channel, keeps its text out of
// the audit line, and a bad text sends nothing.
func TestMembersAndTheirMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	g := b.Group()
	b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email = "Åse", "ase@example.org" })
	b.Member(g.ID, func(f *signups.Form) { f.FirstName, f.Email, f.Phone, f.Contact = "Bo", "", "+4791234567", "sms" })
	gone := b.Member(g.ID, func(f *signups.Form) { f.FirstName = "Cato" })
	b.Leave(gone.ParticipantID, g.ID)
	s := signups.NewStore(db, mailtest.Outbox(t, db))

	list, err := s.GroupMembers(ctx, g.ID, staff)
	if err != nil || len(list) != 2 || list[0].Name != "Bo" || list[1].Name != "Åse" ||
		list[0].Channel() != mail.ChannelSMS || list[1].Channel() != mail.ChannelEmail {
		t.Fatalf("members: %+v %v", list, err)
	}
	var viewed int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'personal.viewed' AND entity = 'group_members'`).Scan(&viewed); err != nil || viewed != 1 {
		t.Errorf("%d audit lines for the view", viewed)
	}
	var errs validate.Errors
	if _, err := s.MessageMembers(ctx, g.ID, mail.MessageForm{Text: "  "}, staff); !errors.As(err, &errs) || !errs.Has("text") {
		t.Fatalf("empty text: %v", err)
	}
	told, err := s.MessageMembers(ctx, g.ID, mail.MessageForm{Text: "Vi flytter til rom 2.\nVel møtt!"}, staff)
	if err != nil || told.Email != 1 || told.SMS != 1 {
		t.Fatalf("message: %+v %v", told, err)
	}
	var sent []mailtest.Queued
	for _, q := range mailtest.All(t, db) {
		if q.Kind == string(mail.KindMessage) {
			sent = append(sent, q)
		}
	}
	if len(sent) != 2 || sent[0].To != "+4791234567" || sent[0].Subject != "" || !strings.HasPrefix(sent[0].Text, "Vi flytter til rom 2.") ||
		sent[1].Subject != "Melding fra LINK Oslo" || !strings.Contains(sent[1].Text, "Hei, Åse!") {
		t.Fatalf("sent: %+v", sent)
	}
	var details string
	if err := db.QueryRow(ctx, `SELECT details::text FROM audit_log WHERE action = 'message.sent'`).Scan(&details); err != nil || strings.Contains(details, "flytter") {
		t.Errorf("audit: %s %v", details, err)
	}
}
