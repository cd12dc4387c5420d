package auth_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

var invitationLink = regexp.MustCompile(`http://selvhjelp\.test/invitasjon/([A-Za-z0-9_-]{43})`)

// An invitation creates the account without a password and mails its link, with the audit
// line naming the role; a role the inviter may not give, and the fields, are checked first.
// Sending it again makes a new link and stops the old one.
func TestInvite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s, out := auth.NewStore(db), mailtest.Outbox(t, db)
	staff := audit.Actor{Label: "staff@example.no", IP: "192.0.2.9"}
	n := auth.NewUser{Email: " ny@example.no ", Name: "Nina Ny", Role: auth.Staff}
	var errs validate.Errors
	if _, err := s.Invite(ctx, out, n, []auth.Role{auth.Partner}, staff); !errors.As(err, &errs) || !errs.Has("role") {
		t.Errorf("a role the inviter may not give: %v", err)
	}
	if _, err := s.Invite(ctx, out, auth.NewUser{Email: "x", Role: auth.Staff}, auth.Roles, staff); !errors.As(err, &errs) ||
		!errs.Has("email") || !errs.Has("name") {
		t.Errorf("bad fields: %v", err)
	}
	if sent := mailtest.All(t, db); len(sent) != 0 {
		t.Fatalf("%d mails for refused invitations", len(sent))
	}
	u, err := s.Invite(ctx, out, n, auth.Roles, staff)
	if err != nil || u.Email != "ny@example.no" || u.Active() {
		t.Fatalf("invite: %+v, %v", u, err)
	}
	if _, err := s.Invite(ctx, out, n, auth.Roles, staff); !errors.Is(err, postgres.ErrConflict) {
		t.Errorf("the same address again: %v", err)
	}
	sent := mailtest.All(t, db)
	if len(sent) != 1 || sent[0].To != u.Email || sent[0].Kind != "invitation" || !strings.Contains(sent[0].Text, "Nina Ny") {
		t.Fatalf("sent %+v", sent)
	}
	first := invitationLink.FindStringSubmatch(sent[0].Text)
	if first == nil {
		t.Fatalf("no link in %s", sent[0].Text)
	}
	if got, err := s.CheckLink(ctx, first[1], auth.Invitation); err != nil || got.ID != u.ID {
		t.Errorf("the link does not work: %v", err)
	}
	if err := s.ResendInvitation(ctx, out, u, staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckLink(ctx, first[1], auth.Invitation); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("the first link still works: %v", err)
	}
	if sent := mailtest.All(t, db); len(sent) != 2 {
		t.Errorf("%d mails after sending again", len(sent))
	}
	active, _ := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	if err := s.ResendInvitation(ctx, out, active, staff); !errors.As(err, &errs) || !errs.Has("role") {
		t.Errorf("an invitation to an active account: %v", err)
	}
	lines := auditLines(t, db)
	if len(lines) != 2 || lines[0].Action != audit.UserInvited || lines[0].Details != `{"role": "staff"}` ||
		lines[1].Action != audit.UserInvited || lines[1].Details != `{}` || lines[0].Label != staff.Label {
		t.Errorf("audit log %+v", lines)
	}
}

// An admin changes a role (recorded from and to), disables and enables an account and resets
// its second factor; every change ends the user's sessions and has its audit line. No one
// disables their own account.
func TestAdminChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	o, _ := orgs.NewStore(db).Create(ctx, "Foreningen", orgs.Voluntary)
	me, _ := s.Create(ctx, auth.NewUser{Email: "admin@example.no", Name: "Admin", Role: auth.Admin, Password: goodPassword})
	u, _ := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	by := audit.Actor{ID: me.ID, Label: me.Email, IP: "192.0.2.9"}
	var errs validate.Errors
	if err := s.ChangeRole(ctx, u, auth.Partner, 0, by); !errors.As(err, &errs) || !errs.Has("org") {
		t.Errorf("a partner without an organisation: %v", err)
	}
	if err := s.ChangeRole(ctx, u, auth.Partner, o.ID+1, by); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("an organisation that is gone: %v", err)
	}
	if err := s.ChangeRole(ctx, u, auth.Partner, o.ID, by); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled(ctx, me.ID, true, by); !errors.As(err, &errs) || !errs.Has("role") {
		t.Errorf("disabling oneself: %v", err)
	}
	for _, disabled := range []bool{true, false} {
		if err := s.SetDisabled(ctx, u.ID, disabled, by); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ResetTwoFactor(ctx, u.ID, by); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Get(ctx, u.ID)
	if after.Role != auth.Partner || after.OrgID == nil || *after.OrgID != o.ID || after.Disabled || after.SessionEpoch != u.SessionEpoch+4 {
		t.Errorf("after the changes: %+v", after)
	}
	want := []string{audit.UserRoleChanged, audit.UserDisabled, audit.UserEnabled, audit.TwoFactorReset}
	lines := auditLines(t, db)
	if got := actions(t, db); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("audit log %v, want %v", got, want)
	}
	if lines[0].Details != `{"to": "partner", "from": "staff"}` || lines[1].Details != `{}` {
		t.Errorf("details %q, %q", lines[0].Details, lines[1].Details)
	}
	for _, l := range lines {
		if *l.ActorID != me.ID || l.ID != idText(u.ID) {
			t.Errorf("%+v: not by the admin, or not about the user", l)
		}
	}
}

// The command line creates an account with a password, recorded as its own doing.
func TestRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	n := auth.NewUser{Email: "admin@example.no", Name: "Admin", Role: auth.Admin, Password: goodPassword}
	u, err := s.Register(ctx, n, audit.Actor{Label: "cli"})
	if err != nil || !u.Active() {
		t.Fatalf("%+v, %v", u, err)
	}
	if _, err := s.Register(ctx, n, audit.Actor{Label: "cli"}); !errors.Is(err, postgres.ErrConflict) {
		t.Errorf("again: %v", err)
	}
	lines := auditLines(t, db)
	if len(lines) != 1 || lines[0].Action != audit.UserCreated || lines[0].Label != "cli" || lines[0].ActorID != nil ||
		lines[0].Details != `{"role": "admin"}` {
		t.Errorf("audit log %+v", lines)
	}
}
