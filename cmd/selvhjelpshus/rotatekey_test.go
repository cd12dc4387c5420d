package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
)

// After SECRET_KEY is replaced, rotate-key seals the licence secrets, two-factor secrets and
// queued mail again under the new key; without the old key listed it refuses and changes
// nothing.
func TestRotateKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewEmptyURL(t)
	oldKey, newKey := []byte("the old SECRET_KEY, 32 bytes lng"), []byte("the new SECRET_KEY, 32 bytes lng")
	env := map[string]string{"DATABASE_URL": db, "SECRET_KEY": base64.StdEncoding.EncodeToString(oldKey)}
	getenv := func(k string) string { return env[k] }
	// Migrate, and store a licence under the old key.
	if err := run(ctx, []string{"migrate", "up"}, getenv, nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	old, _ := secrets.NewKeyring("licence", oldKey)
	f := licences.Form{Provider: licences.Zoom, Label: "Zoom 1", MaxParticipants: "100", AccountLogin: "zoom1@example.test", Secret: "gammelt-hemmelig"}
	id, err := licences.NewStore(pool, old, mailtest.Outbox(t, pool)).Create(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	// And a user's two-factor secret under the old key.
	oldSeal, _ := auth.NewSealer(oldKey, "totp")
	users := auth.NewStore(pool)
	u, err := users.Create(ctx, auth.NewUser{Email: "to@example.test", Name: "To Faktor", Role: auth.Staff, Password: "en lang og god setning"})
	if err != nil {
		t.Fatal(err)
	}
	enrol, err := users.StartTwoFactor(ctx, oldSeal, u)
	if err != nil {
		t.Fatal(err)
	}

	// And a mail queued under the old key.
	oldOutbox, _ := mail.NewSeal(oldKey)
	if err := users.AskReset(ctx, mailtest.OutboxWith(t, pool, nil, oldOutbox), u.Email, audit.Actor{Label: "test"}); err != nil {
		t.Fatal(err)
	}

	env["SECRET_KEY"] = base64.StdEncoding.EncodeToString(newKey)
	var out bytes.Buffer
	if err := run(ctx, []string{"rotate-key"}, getenv, nil, &out); err == nil || !strings.Contains(err.Error(), "SECRET_KEY_PREVIOUS") {
		t.Errorf("rotate without the old key: %v", err)
	}
	env["SECRET_KEY_PREVIOUS"] = base64.StdEncoding.EncodeToString(oldKey)
	if err := run(ctx, []string{"rotate-key"}, getenv, nil, &out); err != nil || !strings.Contains(out.String(), "1 licence secrets sealed again") {
		t.Fatalf("rotate: %v %q", err, out.String())
	}
	if !strings.Contains(out.String(), "1 two-factor secrets sealed again") || !strings.Contains(out.String(), "1 outbox messages sealed again") {
		t.Errorf("two-factor secrets and mail: %q", out.String())
	}
	newOutbox, _ := mail.NewSeal(newKey)
	if list, _, err := mail.List(ctx, pool, newOutbox, mail.ChannelEmail, 1, 10); err != nil || len(list) != 1 {
		t.Fatalf("the queued mail: %v %v", list, err)
	} else if m, err := mail.Get(ctx, pool, newOutbox, list[0].ID); err != nil || !strings.Contains(m.TextBody, "/nytt-passord/") {
		t.Errorf("the queued mail under the new key alone: %v %+v", err, m)
	}
	newSeal, _ := auth.NewSealer(newKey, "totp")
	if got, ok, err := users.CurrentEnrolment(ctx, newSeal, u); err != nil || !ok || got.Secret != enrol.Secret {
		t.Errorf("the two-factor secret under the new key alone: %v %v", ok, err)
	}
	fresh, _ := secrets.NewKeyring("licence", newKey)
	if got, err := licences.NewStore(pool, fresh, mailtest.Outbox(t, pool)).RevealForStaff(ctx, id, audit.Actor{Label: "test"}); err != nil || got != "gammelt-hemmelig" {
		t.Errorf("after the rotation, under the new key alone: %q %v", got, err)
	}
}
