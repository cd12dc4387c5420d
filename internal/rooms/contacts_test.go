package rooms_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
)

func TestContactLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, nil)
	g := group(fixture.New(t, db), "kontaktgruppe", 0)
	c := rooms.Contact{GroupID: g, Name: " Kari ", Email: "kari@example.test", Phone: "400 00 000"}
	if errs := c.Validate(); !errs.OK() || c.Phone != "+4740000000" || c.Name != "Kari" {
		t.Fatalf("valid contact: %v %+v", errs, c)
	}
	if errs := (&rooms.Contact{Email: "nei", Phone: "ring meg"}).Validate(); !errs.Has("name") || !errs.Has("email") || !errs.Has("phone") {
		t.Errorf("invalid contact: %v", errs)
	}
	if _, _, _, err := s.IssueContactLink(ctx, g); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("link without a contact: %v", err)
	}
	if err := s.SetContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	_, token, expires, err := s.IssueContactLink(ctx, g)
	if err != nil || time.Until(expires) < 180*24*time.Hour {
		t.Fatalf("issue: %v %v", expires, err)
	}
	if got, err := s.ContactByLink(ctx, token); err != nil || got.GroupID != g || got.GroupName != "kontaktgruppe" {
		t.Errorf("by link: %+v %v", got, err)
	}
	c.Phone = "+4741111111"
	if err := s.SetContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ContactByLink(ctx, token); err != nil {
		t.Errorf("a new phone number ended the link: %v", err)
	}
	c.Email = "ny@example.test"
	if err := s.SetContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ContactByLink(ctx, token); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("the link survived a new address: %v", err)
	}
	_, token, _, _ = s.IssueContactLink(ctx, g)
	db.Exec(ctx, `UPDATE groups SET status = 'closed'`)
	if _, err := s.ContactByLink(ctx, token); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("the link of a closed group works: %v", err)
	}
	db.Exec(ctx, `UPDATE groups SET status = 'selfrunning'`)
	if _, err := s.ContactByLink(ctx, token); err != nil {
		t.Errorf("the link after the group reopened: %v", err)
	}
	if _, err := db.Exec(ctx, `UPDATE group_contacts SET link_expires = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ContactByLink(ctx, token); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("an expired link works: %v", err)
	}
}

// The private link goes to the contact person alone, in the group's language, with a link
// that opens the group's schedule and an audit line; the group's name is not in the mail.
func TestSendContactLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := rooms.NewStore(db, mailtest.Outbox(t, db))
	g := group(fixture.New(t, db), "sorggruppa", 0)
	by := audit.Actor{Label: "staff@example.test"}
	if err := s.SendContactLink(ctx, g, "en", by); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a link without a contact: %v", err)
	}
	if err := s.SetContact(ctx, rooms.Contact{GroupID: g, Name: "Kari", Email: "kari@example.test"}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "nb"} {
		if err := s.SendContactLink(ctx, g, lang, by); err != nil {
			t.Fatal(err)
		}
	}
	list := mailtest.All(t, db)
	if len(list) != 2 || list[0].To != "kari@example.test" || list[0].Kind != "contact_link" || list[0].Subject == list[1].Subject {
		t.Fatalf("links sent: %+v", list)
	}
	prefix := mailtest.Base.String() + "/gruppe/"
	for i, m := range list {
		if strings.Contains(m.Subject+m.Text, "sorggruppa") {
			t.Errorf("the mail names the group: %q\n%s", m.Subject, m.Text)
		}
		at := strings.Index(m.Text, prefix)
		if at < 0 {
			t.Fatalf("no link in %s", m.Text)
		}
		token := strings.Fields(m.Text[at+len(prefix):])[0]
		_, err := s.ContactByLink(ctx, token)
		if ended := i == 0; ended != errors.Is(err, postgres.ErrNotFound) || !ended && err != nil {
			t.Errorf("link %d: %v (a new link ends the one before)", i, err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'group.contact_link' AND entity_id = $1`, strconv.FormatInt(g, 10)); n != 2 {
		t.Errorf("%d audit lines, want 2", n)
	}
}
