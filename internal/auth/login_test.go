package auth_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// from is an anonymous request from a documentation address.
var from = audit.Actor{IP: "192.0.2.1"}

// logged is one line of the audit log as a test reads it.
type logged struct {
	ActorID *int64
	Label   string
	Action  string
	Entity  string
	ID      string
	Details string
}

// auditLines returns the audit log, oldest first.
func auditLines(t *testing.T, db *pgxpool.Pool) []logged {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT actor_id, actor_label, action, entity, entity_id,
		details::text FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (logged, error) {
		var l logged
		return l, r.Scan(&l.ActorID, &l.Label, &l.Action, &l.Entity, &l.ID, &l.Details)
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// actions are the actions of the audit log, oldest first.
func actions(t *testing.T, db *pgxpool.Pool) []string {
	t.Helper()
	var out []string
	for _, l := range auditLines(t, db) {
		out = append(out, l.Action)
	}
	return out
}

// A login checks its fields, counts failures against the client and the account, locks both
// after MaxFailures (recording the lock by a digest of the address, never the address), and
// records a complete login as done by the user, forgetting the account's failures.
func TestLogIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	u, err := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	var errs validate.Errors
	if _, err := s.LogIn(ctx, "  ", "", "192.0.2.1", auth.Device{}, from); !errors.As(err, &errs) || !errs.Has("email") || !errs.Has("password") {
		t.Errorf("blank login: %v", err)
	}
	if _, err := s.LogIn(ctx, "Kari@example.no", "not the password", "192.0.2.1", auth.Device{}, from); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	got, err := s.LogIn(ctx, " KARI@example.no ", goodPassword, "198.51.100.7", auth.Device{}, from)
	if err != nil || got.ID != u.ID {
		t.Fatalf("login: %+v, %v", got, err)
	}
	if after, _ := s.Get(ctx, u.ID); after.LastLoginAt == nil {
		t.Error("the login time was not recorded")
	}
	if l, _, _ := s.Locked(ctx, []string{"account:kari@example.no"}); l {
		t.Error("locked after a login")
	}
	var failures int
	db.QueryRow(ctx, `SELECT count(*) FROM login_failures`).Scan(&failures)
	if failures != 1 {
		t.Errorf("%d failures kept; want the client's one (the account's went with the login)", failures)
	}
	lines := auditLines(t, db)
	if len(lines) != 1 || lines[0].Action != audit.Login || lines[0].ActorID == nil || *lines[0].ActorID != u.ID ||
		lines[0].Label != u.Email || lines[0].ID != idText(u.ID) {
		t.Errorf("audit log after a login: %+v", lines)
	}

	for range auth.MaxFailures - 1 {
		if _, err := s.LogIn(ctx, "kari@example.no", "not the password", "192.0.2.1", auth.Device{}, from); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	var locked *auth.LockedOut
	if _, err := s.LogIn(ctx, "ola@example.no", goodPassword, "192.0.2.1", auth.Device{}, from); !errors.As(err, &locked) || locked.Retry <= 0 {
		t.Fatalf("a locked client: %v", err)
	}
	lines = auditLines(t, db)
	last := lines[len(lines)-1]
	if len(lines) != 2 || last.Action != audit.LoginLocked || last.ActorID != nil || last.ID != "" ||
		!strings.Contains(last.Details, "email_sha256") || strings.Contains(last.Details, "ola") {
		t.Errorf("audit log after a refused login: %+v", lines)
	}
}

// An overlong address counts against the client alone: no account has one, and the throttle
// table keeps no more than an address's worth of what was typed.
func TestLogInOverlongAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	long := strings.Repeat("x", 300) + "@example.no"
	if _, err := auth.NewStore(db).LogIn(ctx, long, goodPassword, "192.0.2.1", auth.Device{}, from); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatal(err)
	}
	var keys []string
	rows, _ := db.Query(ctx, `SELECT key FROM login_failures`)
	keys, _ = pgx.CollectRows(rows, pgx.RowTo[string])
	if len(keys) != 1 || keys[0] != "ip:192.0.2.1" {
		t.Errorf("failures counted against %v", keys)
	}
}

// The password of an account with two-factor login logs no one in: the code does, under the
// same throttle, and a recovery code is recorded as such.
func TestLogInWithCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	seal, _ := auth.NewSealer([]byte("0123456789abcdef0123456789abcdef"), "totp")
	u, _ := s.Create(ctx, auth.NewUser{Email: "to@example.no", Name: "To", Role: auth.Staff, Password: goodPassword})
	enrol, err := s.StartTwoFactor(ctx, seal, u)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	code := func(at time.Time) string {
		c, _ := totp.GenerateCodeCustom(enrol.Secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		return c
	}
	codes, err := s.ConfirmTwoFactor(ctx, seal, u.ID, code(now), audit.Actor{ID: u.ID, Label: u.Email}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.LogIn(ctx, u.Email, goodPassword, "192.0.2.1", auth.Device{}, from); !errors.Is(err, auth.ErrCodeNeeded) || got.ID != u.ID {
		t.Fatalf("password of a two-factor account: %+v, %v", got, err)
	}
	var errs validate.Errors
	if _, err := s.LogInWithCode(ctx, seal, u.ID, " ", "192.0.2.1", auth.Device{}, from, now); !errors.As(err, &errs) || !errs.Has("code") {
		t.Errorf("blank code: %v", err)
	}
	wrong := "000000"
	if code(now.Add(time.Minute)) == wrong {
		wrong = "111111"
	}
	if _, err := s.LogInWithCode(ctx, seal, u.ID, wrong, "192.0.2.1", auth.Device{}, from, now.Add(time.Minute)); !errors.Is(err, auth.ErrBadCode) {
		t.Errorf("wrong code: %v", err)
	}
	if got, err := s.LogInWithCode(ctx, seal, u.ID, code(now.Add(time.Minute)), "192.0.2.1", auth.Device{}, from, now.Add(time.Minute)); err != nil || got.ID != u.ID {
		t.Fatalf("right code: %v", err)
	}
	if _, err := s.LogInWithCode(ctx, seal, u.ID, codes[0], "192.0.2.1", auth.Device{}, from, now.Add(time.Minute)); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	want := []string{audit.TwoFactorEnabled, audit.Login, audit.RecoveryCodeUsed}
	if got := actions(t, db); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit log %v, want %v", got, want)
	}
	if err := s.SetDisabled(ctx, u.ID, true, audit.Actor{Label: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogInWithCode(ctx, seal, u.ID, codes[1], "192.0.2.1", auth.Device{}, from, now); !errors.Is(err, auth.ErrDisabled) {
		t.Errorf("disabled half-way: %v", err)
	}
}

// Asking for the password again is throttled and audited like a login.
func TestReauthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	u, _ := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword})
	me := audit.Actor{ID: u.ID, Label: u.Email, IP: "192.0.2.1"}
	for range auth.MaxFailures {
		if err := s.Reauthenticate(ctx, u, "not the password", "192.0.2.1", me); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	var locked *auth.LockedOut
	if err := s.Reauthenticate(ctx, u, goodPassword, "192.0.2.1", me); !errors.As(err, &locked) {
		t.Fatalf("locked, with the right password: %v", err)
	}
	lines := auditLines(t, db)
	if len(lines) != auth.MaxFailures+1 {
		t.Fatalf("%d audit lines", len(lines))
	}
	for i, l := range lines {
		want := audit.LoginFailed
		if i == auth.MaxFailures {
			want = audit.LoginLocked
		}
		if l.Action != want || l.ID != idText(u.ID) || !strings.Contains(l.Details, `"step": "reauth"`) {
			t.Errorf("line %d: %+v, want %s", i, l, want)
		}
	}
	if _, err := db.Exec(ctx, `DELETE FROM login_failures`); err != nil {
		t.Fatal(err)
	}
	if err := s.Reauthenticate(ctx, u, goodPassword, "192.0.2.1", me); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := s.LogOut(ctx, u.ID, me); err != nil || actions(t, db)[len(lines)] != audit.Logout {
		t.Errorf("logout: %v", err)
	}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// A device cookie opens only under the app's key, and only for its own account; a device's
// failures count against it alone, and lock it after MaxFailures like any client.
func TestDeviceHasItsOwnCounter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	if _, err := s.Create(ctx, auth.NewUser{Email: "kari@example.no", Name: "Kari", Role: auth.Staff, Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	seal, _ := auth.NewSealer([]byte("0123456789abcdef0123456789abcdef"), "device")
	other, _ := auth.NewSealer([]byte("fedcba9876543210fedcba9876543210"), "device")
	cookie := auth.SealDevice(seal, auth.NewDevice("Kari@Example.no"))
	d := auth.OpenDevice(seal, cookie)
	if !d.For("kari@example.no") || d.For("ola@example.no") {
		t.Fatalf("the device is for %+v", d)
	}
	if auth.OpenDevice(other, cookie).For("kari@example.no") || auth.OpenDevice(seal, cookie[:len(cookie)-2]).For("kari@example.no") {
		t.Error("a cookie opened under another key, or cut short")
	}
	from := audit.Actor{IP: "192.0.2.1"}
	for range auth.MaxFailures {
		if _, err := s.LogIn(ctx, "kari@example.no", "not the password", "192.0.2.1", auth.Device{}, from); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	var locked *auth.LockedOut
	for range 3 {
		if _, err := s.LogIn(ctx, "kari@example.no", goodPassword, "198.51.100.1", auth.Device{}, from); !errors.As(err, &locked) {
			t.Fatalf("an unknown browser while the account is locked: %v", err)
		}
	}
	if got := actions(t, db); len(got) != 1 || got[0] != audit.LoginLocked {
		t.Errorf("audit log: %v; want the lock once", got)
	}
	for range auth.MaxFailures {
		if _, err := s.LogIn(ctx, "kari@example.no", "not the password", "192.0.2.1", d, from); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("a wrong password from the device is a plain failure: %v", err)
		}
	}
	if _, err := s.LogIn(ctx, "kari@example.no", goodPassword, "192.0.2.1", d, from); !errors.As(err, &locked) {
		t.Errorf("the device after its own %d failures: %v; want locked", auth.MaxFailures, err)
	}
}
