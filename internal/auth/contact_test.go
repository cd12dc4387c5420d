package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// A new database has the default contact details; an admin's change is saved with its audit
// line, the phone number normalised; a bad form changes nothing and names its fields.
func TestSetContact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := auth.NewStore(db)
	admin := audit.Actor{Label: "admin@example.no", IP: "192.0.2.9"}
	if got, err := centre.Read(ctx, db); err != nil || got != centre.Default() {
		t.Fatalf("new database: %+v, %v; want %+v", got, err, centre.Default())
	}
	f := centre.FormOf(centre.Default())
	f.Phone, f.Email, f.PhoneHours = "22 11 22 33", "kontakt@linkoslo.example", "Tirsdag kl. 12–14"
	if err := s.SetContact(ctx, f, admin); err != nil {
		t.Fatal(err)
	}
	got, err := centre.Read(ctx, db)
	if err != nil || got.Phone != "+4722112233" || got.Email != "kontakt@linkoslo.example" || got.PhoneHours != "Tirsdag kl. 12–14" {
		t.Errorf("after saving: %+v, %v", got, err)
	}
	if got.PhoneDisplay() != "22 11 22 33" {
		t.Errorf("PhoneDisplay = %q", got.PhoneDisplay())
	}
	bad := centre.Form{Phone: "ring meg", Email: "ikke en adresse", Floor: strings.Repeat("x", centre.MaxFloor+1)}
	err = s.SetContact(ctx, bad, admin)
	var errs validate.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("bad form: %v", err)
	}
	for _, field := range []string{"name", "phone", "email", "address", "floor"} {
		if !errs.Has(field) {
			t.Errorf("no error for %s: %v", field, errs)
		}
	}
	if after, _ := centre.Read(ctx, db); after != got {
		t.Errorf("a bad form changed the details: %+v", after)
	}
	lines := auditLines(t, db)
	if len(lines) != 1 || lines[0].Action != audit.SettingsChanged || !strings.Contains(lines[0].Details, "+4722112233") {
		t.Errorf("audit log %+v", lines)
	}
}
