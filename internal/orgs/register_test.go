package orgs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Save is the one use case of the register: it validates, and a taken name is a problem of
// the name field, not a failure.
func TestSave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := orgs.NewStore(pgtest.New(t))
	form := orgs.Form{Name: "  Mental Helse Oslo ", Kind: string(orgs.Voluntary), AgreementSigned: "2026-01-01",
		AgreementExpires: "2027-12-31", ContactPhone: "22 33 44 55"}

	var errs validate.Errors
	if _, err := s.Save(ctx, 0, orgs.Form{Kind: "company"}); !errors.As(err, &errs) || !errs.Has("name") || !errs.Has("kind") {
		t.Fatalf("Save of an empty form = %v; want errors of name and kind", err)
	}
	id, err := s.Save(ctx, 0, form)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Details(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "Mental Helse Oslo" || d.ContactPhone != "+4722334455" || d.AgreementSigned == nil || d.AgreementExpires == nil {
		t.Errorf("saved = %+v; want the trimmed name, the phone normalised and both dates", d)
	}

	other, err := s.Save(ctx, 0, orgs.Form{Name: "Kommunen", Kind: string(orgs.Public)})
	if err != nil {
		t.Fatal(err)
	}
	errs = nil
	if _, err := s.Save(ctx, other, orgs.Form{Name: "Mental Helse Oslo", Kind: string(orgs.Public)}); !errors.As(err, &errs) ||
		!errs.Has("name") {
		t.Errorf("Save with a taken name = %v; want an error of the name field", err)
	}
	form.Notes = "Avtale fornyet."
	if got, err := s.Save(ctx, id, form); err != nil || got != id {
		t.Errorf("update = %d, %v; want %d", got, err, id)
	}
	if _, err := s.Save(ctx, 999999, form); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("update of no organisation = %v; want ErrNotFound", err)
	}
}
