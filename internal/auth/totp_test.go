package auth_test

import (
	"context"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// The house rule on two-factor login changes with its audit line, naming the new value.
func TestRequireTwoFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	admin := audit.Actor{Label: "admin@example.no", IP: "192.0.2.9"}
	for _, on := range []bool{true, false} {
		if err := s.SetRequireTwoFactor(ctx, on, admin); err != nil {
			t.Fatal(err)
		}
		if got, err := s.RequireTwoFactor(ctx); err != nil || got != on {
			t.Errorf("after setting %v: %v, %v", on, got, err)
		}
	}
	lines := auditLines(t, db)
	if len(lines) != 2 || lines[0].Action != audit.SettingsChanged || lines[0].Entity != "settings" ||
		lines[0].Details != `{"require_two_factor": true}` || lines[1].Details != `{"require_two_factor": false}` {
		t.Errorf("audit log %+v", lines)
	}
}

// Enrolment shows the pending secret again, so a QR code already scanned keeps working.
func TestEnrolKeepsThePendingSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := auth.NewStore(pgtest.New(t))
	seal, _ := auth.NewSealer([]byte("0123456789abcdef0123456789abcdef"), "totp")
	u, _ := s.Create(ctx, auth.NewUser{Email: "to@example.no", Name: "To", Role: auth.Staff, Password: goodPassword})
	first, err := s.Enrol(ctx, seal, u)
	if err != nil || first.Secret == "" {
		t.Fatalf("%+v, %v", first, err)
	}
	if again, err := s.Enrol(ctx, seal, u); err != nil || again.Secret != first.Secret {
		t.Errorf("enrolling again: %v, %v", again.Secret == first.Secret, err)
	}
}
