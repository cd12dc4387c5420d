package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

const goodPassword = "lilla-hest-synger-kveld"

func TestCreateAndAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := auth.NewStore(pgtest.New(t))
	u, err := s.Create(ctx, auth.NewUser{Email: "Kari@Example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Authenticate(ctx, "kari@example.NO", goodPassword); err != nil || got.ID != u.ID {
		t.Errorf("login with the address in other case: %v", err)
	}
	for _, c := range []struct{ email, pw string }{{"kari@example.no", "wrong-password-here"}, {"nobody@example.no", goodPassword}} {
		if _, err := s.Authenticate(ctx, c.email, c.pw); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("Authenticate(%s) = %v, want ErrBadCredentials", c.email, err)
		}
	}
	if _, err := s.Create(ctx, auth.NewUser{Email: "KARI@example.no", Name: "Kari 2", Role: auth.Staff}); !errors.Is(err, postgres.ErrConflict) {
		t.Errorf("duplicate address in other case: %v", err)
	}
	if err := s.SetDisabled(ctx, u.ID, true, audit.Actor{Label: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "kari@example.no", goodPassword); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("disabled user logged in: %v", err)
	}
	after, _ := s.Get(ctx, u.ID)
	if after.SessionEpoch <= u.SessionEpoch {
		t.Error("disabling must move the session epoch on, ending every session")
	}
}

func TestNewUserValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n     auth.NewUser
		field string
	}{
		{auth.NewUser{Email: "ikke-epost", Name: "A", Role: auth.Staff}, "email"},
		{auth.NewUser{Email: "a@example.no", Name: "", Role: auth.Staff}, "name"},
		{auth.NewUser{Email: "a@example.no", Name: "A", Role: "boss"}, "role"},
		{auth.NewUser{Email: "a@example.no", Name: "A", Role: auth.Partner}, "org"},
		{auth.NewUser{Email: "a@example.no", Name: "A", Role: auth.Staff, Password: "kort"}, "password"},
		{auth.NewUser{Email: "a@example.no", Name: "A", Role: auth.Staff, Password: "passwordpassword"}, "password"},
	}
	for _, c := range cases {
		errs := c.n.Validate()
		if !errs.Has(c.field) || len(errs) != 1 {
			t.Errorf("%+v: errors %v, want one on %s", c.n, errs, c.field)
		}
	}
	ok := auth.NewUser{Email: "a@example.no", Name: "A", Role: auth.Staff, Password: goodPassword}
	if errs := ok.Validate(); !errs.OK() {
		t.Errorf("valid user refused: %v", errs)
	}
}

func TestPartnerNeedsAnOrganisationInTheDatabaseToo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	// SQL: past the store's validation, straight to the table's checks.
	_, err := db.Exec(ctx, `INSERT INTO users (email, name, role) VALUES ('p@example.no', 'P', 'partner')`)
	if !errors.Is(postgres.MapError(err), postgres.ErrInvalid) {
		t.Errorf("partner without org: %v", err)
	}
	o, err := orgs.NewStore(db).Create(ctx, "Foreningen", orgs.Voluntary)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(ctx, `INSERT INTO users (email, name, role, org_id) VALUES ('s@example.no', 'S', 'staff', $1)`, o.ID)
	if !errors.Is(postgres.MapError(err), postgres.ErrInvalid) {
		t.Errorf("staff with org: %v", err)
	}
}

func TestThrottleLocksAfterTenFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := auth.NewStore(pgtest.New(t))
	keys := auth.ThrottleKeys("192.0.2.1", "Kari@example.no")
	for i := 0; i < auth.MaxFailures; i++ {
		locked, _, err := s.Locked(ctx, keys)
		if err != nil || locked {
			t.Fatalf("locked after %d failures (%v)", i, err)
		}
		if _, err := s.RecordFailure(ctx, keys); err != nil {
			t.Fatal(err)
		}
	}
	locked, retry, err := s.Locked(ctx, keys)
	if err != nil || !locked || retry <= 0 || retry > auth.FailureWindow {
		t.Fatalf("after %d failures: locked %v, retry %v, %v", auth.MaxFailures, locked, retry, err)
	}
	// The account is locked from another IP too, and the IP for another account.
	if l, _, _ := s.Locked(ctx, auth.ThrottleKeys("198.51.100.7", "kari@example.no")); !l {
		t.Error("the account must be locked from every IP")
	}
	if l, _, _ := s.Locked(ctx, auth.ThrottleKeys("192.0.2.1", "ola@example.no")); !l {
		t.Error("the IP must be locked for every account")
	}
	if err := s.ClearFailures(ctx, "kari@example.no"); err != nil {
		t.Fatal(err)
	}
	if l, _, _ := s.Locked(ctx, auth.ThrottleKeys("198.51.100.7", "kari@example.no")); l {
		t.Error("a successful login clears the account's count")
	}
}

func TestOneTimeLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := auth.NewStore(pgtest.New(t))
	u, _ := s.Create(ctx, auth.NewUser{Email: "ny@example.no", Name: "Ny", Role: auth.Staff})
	old, _, err := s.IssueLink(ctx, u.ID, auth.Invitation, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	token, _, _ := s.IssueLink(ctx, u.ID, auth.Invitation, time.Hour)
	if _, err := s.CheckLink(ctx, old, auth.Invitation); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("an older link must stop working when a new one is sent: %v", err)
	}
	if _, err := s.CheckLink(ctx, token, auth.Reset); !errors.Is(err, postgres.ErrNotFound) {
		t.Error("an invitation link is not a reset link")
	}
	if got, err := s.CheckLink(ctx, token, auth.Invitation); err != nil || got.ID != u.ID {
		t.Fatalf("check: %v", err)
	}
	// Two requests race with one link: exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan int64, 8)
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			if id, err := s.UseLink(ctx, token, auth.Invitation); err == nil {
				wins <- id
			}
		})
	}
	wg.Wait()
	close(wins)
	if len(wins) != 1 {
		t.Errorf("%d requests used one link", len(wins))
	}
	expired, _, _ := s.IssueLink(ctx, u.ID, auth.Reset, -time.Minute)
	if _, err := s.UseLink(ctx, expired, auth.Reset); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("expired link: %v", err)
	}
}

func TestTwoFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	seal, err := auth.NewSealer([]byte("0123456789abcdef0123456789abcdef"), "totp")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := s.Create(ctx, auth.NewUser{Email: "to@example.no", Name: "To", Role: auth.Staff, Password: goodPassword})
	enrol, err := s.StartTwoFactor(ctx, seal, u)
	if err != nil || enrol.Secret == "" || len(enrol.QRCode) < 100 {
		t.Fatalf("start: %+v %v", enrol, err)
	}
	var stored []byte
	db.QueryRow(ctx, `SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&stored)
	if len(stored) == 0 || string(stored) == enrol.Secret {
		t.Error("the secret must be stored sealed")
	}
	again, ok, err := s.CurrentEnrolment(ctx, seal, u)
	if err != nil || !ok || again.Secret != enrol.Secret {
		t.Errorf("current enrolment: %v %v", ok, err)
	}
	now := time.Now()
	code := func(at time.Time) string {
		c, err := totp.GenerateCodeCustom(enrol.Secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := s.ConfirmTwoFactor(ctx, seal, u.ID, "000000", audit.Actor{ID: u.ID, Label: u.Email}, now); !errors.Is(err, auth.ErrBadCode) && code(now) != "000000" {
		t.Errorf("wrong code confirmed: %v", err)
	}
	codes, err := s.ConfirmTwoFactor(ctx, seal, u.ID, code(now), audit.Actor{ID: u.ID, Label: u.Email}, now)
	if err != nil || len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("confirm: %d codes, %v", len(codes), err)
	}
	if _, err := s.VerifyTwoFactor(ctx, seal, u.ID, code(now), now); !errors.Is(err, auth.ErrBadCode) {
		t.Error("a code must not work twice")
	}
	later := now.Add(60 * time.Second)
	if rec, err := s.VerifyTwoFactor(ctx, seal, u.ID, code(later), later); err != nil || rec {
		t.Errorf("next code: %v %v", rec, err)
	}
	if _, err := s.VerifyTwoFactor(ctx, seal, u.ID, code(now.Add(-10*time.Minute)), later); !errors.Is(err, auth.ErrBadCode) {
		t.Error("an old code must not work")
	}
	if rec, err := s.VerifyTwoFactor(ctx, seal, u.ID, " "+codes[3]+" ", later); err != nil || !rec {
		t.Errorf("recovery code: %v %v", rec, err)
	}
	if _, err := s.VerifyTwoFactor(ctx, seal, u.ID, codes[3], later); !errors.Is(err, auth.ErrBadCode) {
		t.Error("a recovery code must not work twice")
	}
	other, _ := auth.NewSealer([]byte("another secret key of 32 bytes!!"), "totp")
	if _, err := s.VerifyTwoFactor(ctx, other, u.ID, code(later.Add(30*time.Second)), later.Add(30*time.Second)); err == nil {
		t.Error("a secret sealed under another key must not open")
	}
	if err := s.ResetTwoFactor(ctx, u.ID, audit.Actor{Label: "test"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, u.ID); got.TwoFactor() {
		t.Error("reset left two-factor on")
	}
}

func TestValidationErrorsTravelAsErrors(t *testing.T) {
	t.Parallel()
	s := auth.NewStore(pgtest.New(t))
	_, err := s.Create(context.Background(), auth.NewUser{Email: "x", Role: auth.Staff})
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("email") || !errs.Has("name") {
		t.Errorf("err = %v", err)
	}
}
