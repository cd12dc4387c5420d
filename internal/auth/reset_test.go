package auth_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

var resetLink = regexp.MustCompile(`http://selvhjelp\.test/nytt-passord/([A-Za-z0-9_-]{43})`)

// A reset is sent only to an active account, with the link on the site and the request in the
// audit log as the owner's; anyone else gets the same quiet answer and nothing is stored.
// The link sets the password once, and logs the user in.
func TestResetPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s, out := auth.NewStore(db), mailtest.Outbox(t, db)
	u, _ := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	invited, _ := s.Create(ctx, auth.NewUser{Email: "ny@example.no", Name: "Ny", Role: auth.Staff})
	var errs validate.Errors
	if err := s.AskReset(ctx, out, "ikke en adresse", from); !errors.As(err, &errs) || !errs.Has("email") {
		t.Errorf("not an address: %v", err)
	}
	for _, email := range []string{"nobody@example.no", invited.Email} {
		if err := s.AskReset(ctx, out, email, from); err != nil {
			t.Fatal(err)
		}
	}
	if sent, lines := mailtest.All(t, db), auditLines(t, db); len(sent) != 0 || len(lines) != 0 {
		t.Fatalf("for no active account: %d mails, %d audit lines", len(sent), len(lines))
	}
	if err := s.AskReset(ctx, out, " KARI@example.no ", from); err != nil {
		t.Fatal(err)
	}
	sent := mailtest.All(t, db)
	if len(sent) != 1 || sent[0].To != u.Email || sent[0].Kind != "password_reset" {
		t.Fatalf("sent %+v", sent)
	}
	m := resetLink.FindStringSubmatch(sent[0].Text)
	if m == nil {
		t.Fatalf("no link in %s", sent[0].Text)
	}
	lines := auditLines(t, db)
	if len(lines) != 1 || lines[0].Action != audit.PasswordResetAsked || *lines[0].ActorID != u.ID || lines[0].ID != idText(u.ID) {
		t.Errorf("audit log %+v", lines)
	}

	token := m[1]
	got, err := s.SetPasswordByLink(ctx, token, auth.Reset, auth.NewPassword{Password: "kort", Confirm: "kort"}, from)
	if !errors.As(err, &errs) || !errs.Has("password") || got.Name != "Kari" {
		t.Errorf("short password: %+v, %v", got, err)
	}
	pw := auth.NewPassword{Password: "en ny og lang setning", Confirm: "en ny og lang setning"}
	if _, err := s.SetPasswordByLink(ctx, token, auth.Invitation, pw, from); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a reset link used as an invitation: %v", err)
	}
	if got, err = s.SetPasswordByLink(ctx, token, auth.Reset, pw, from); err != nil || got.ID != u.ID || got.SessionEpoch == u.SessionEpoch {
		t.Fatalf("set: %+v, %v", got, err)
	}
	if _, err := s.Authenticate(ctx, u.Email, pw.Password); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if _, err := s.SetPasswordByLink(ctx, token, auth.Reset, pw, from); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a link used twice: %v", err)
	}
	want := []string{audit.PasswordResetAsked, audit.PasswordSet, audit.Login}
	if got := actions(t, db); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit log %v, want %v", got, want)
	}
	if l := auditLines(t, db)[1]; !strings.Contains(l.Details, `"via": "reset"`) || *l.ActorID != u.ID {
		t.Errorf("password set: %+v", l)
	}
}

// Both passwords must be the same, and good enough.
func TestNewPasswordValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		pw    auth.NewPassword
		field string
	}{
		{auth.NewPassword{Password: "kort", Confirm: "kort"}, "password"},
		{auth.NewPassword{Password: "passwordpassword", Confirm: "passwordpassword"}, "password"},
		{auth.NewPassword{Password: goodPassword, Confirm: goodPassword + "x"}, "confirm"},
		{auth.NewPassword{Password: goodPassword, Confirm: goodPassword}, ""},
	} {
		errs := c.pw.Validate()
		if c.field == "" && !errs.OK() || c.field != "" && (!errs.Has(c.field) || len(errs) != 1) {
			t.Errorf("%+v: %v, want a problem with %q", c.pw, errs, c.field)
		}
	}
}

// Asking for a new password again does not void the link already sent: someone who knows the
// address cannot keep the owner's link from working. Using any one of the links ends all of
// them, and of two links of one user used at once exactly one sets the password.
func TestResetLinksWorkUntilOneIsUsed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s, out := auth.NewStore(db), mailtest.Outbox(t, db)
	u, _ := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	var links []string
	for range 3 {
		if err := s.AskReset(ctx, out, u.Email, from); err != nil {
			t.Fatal(err)
		}
		sent := mailtest.All(t, db)
		m := resetLink.FindStringSubmatch(sent[len(sent)-1].Text)
		if m == nil {
			t.Fatalf("no link in %s", sent[len(sent)-1].Text)
		}
		links = append(links, m[1])
	}
	for i, token := range links {
		if got, err := s.CheckLink(ctx, token, auth.Reset); err != nil || got.ID != u.ID {
			t.Errorf("link %d of 3 after three requests: %v", i+1, err)
		}
	}
	pw := auth.NewPassword{Password: "en ny og lang setning", Confirm: "en ny og lang setning"}
	if _, err := s.SetPasswordByLink(ctx, links[1], auth.Reset, pw, from); err != nil {
		t.Fatalf("the second link: %v", err)
	}
	for i, token := range links {
		if _, err := s.CheckLink(ctx, token, auth.Reset); !errors.Is(err, postgres.ErrNotFound) {
			t.Errorf("link %d of 3 after one was used: %v; want it ended", i+1, err)
		}
	}

	// Two fresh links of the same user, used at once from eight requests: one wins.
	a, _, _ := s.IssueLink(ctx, u.ID, auth.Reset, time.Hour)
	b, _, _ := s.IssueLink(ctx, u.ID, auth.Reset, time.Hour)
	var wg sync.WaitGroup
	wins := make(chan int64, 8)
	for i := range 8 {
		token := a
		if i%2 == 1 {
			token = b
		}
		wg.Go(func() {
			id, err := s.UseLink(ctx, token, auth.Reset)
			switch {
			case err == nil:
				wins <- id
			case !errors.Is(err, postgres.ErrNotFound):
				t.Errorf("a losing request: %v; want ErrNotFound", err)
			}
		})
	}
	wg.Wait()
	close(wins)
	if len(wins) != 1 {
		t.Errorf("%d requests used the two links; want one", len(wins))
	}
}
