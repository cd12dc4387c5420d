package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// demoLicences are made-up licences; their passwords are demo text, sealed like real ones.
//
// #nosec G101 -- fictional demo accounts on the .test domain, not real secrets
var demoLicences = []licences.Form{
	{Provider: licences.Zoom, Label: "Zoom 1", MaxParticipants: "100", MaxMinutes: "", AccountLogin: "zoom1@lisens.demo.test", Secret: "demo-zoom-1-passord", Funding: "Tilskudd fra Oslo kommune"},
	{Provider: licences.Zoom, Label: "Zoom 2", MaxParticipants: "100", MaxMinutes: "", AccountLogin: "zoom2@lisens.demo.test", Secret: "demo-zoom-2-passord", Funding: "Tilskudd fra Oslo kommune"},
	{Provider: licences.Zoom, Label: "Zoom 3 (liten)", MaxParticipants: "30", MaxMinutes: "40", AccountLogin: "zoom3@lisens.demo.test", Secret: "demo-zoom-3-passord"},
	{Provider: licences.Whereby, Label: "Whereby rom A", MaxParticipants: "12", AccountLogin: "romA@lisens.demo.test", Secret: "demo-whereby-romnokkel-a", Funding: "Stiftelsen Dam"},
	{Provider: licences.Whereby, Label: "Whereby rom B", MaxParticipants: "12", AccountLogin: "romB@lisens.demo.test", Secret: "demo-whereby-romnokkel-b", Funding: "Stiftelsen Dam"},
}

// SeedLicences adds the demo licence pool, sealed under ring, a loan running now to the demo
// partner's organisation and a request waiting in the queue. It runs once: a database with
// licences is left alone. It needs the server's keys, so it is separate from Seed. The loan
// is approved like any other, by the demo, and the approval is in the audit log; it was
// answered before the demo begins (Decision.Told), so seeding queues no mail.
func SeedLicences(ctx context.Context, db *pgxpool.Pool, ring *secrets.Keyring, out *mail.Outbox, now time.Time) (int, error) {
	var any bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM licences)`).Scan(&any); err != nil || any {
		return 0, err
	}
	store := licences.NewStore(db, ring, out)
	var ids []int64
	for _, f := range demoLicences {
		id, err := store.Create(ctx, f)
		if err != nil {
			return len(ids), fmt.Errorf("demo licence %s: %w", f.Label, err)
		}
		ids = append(ids, id)
	}
	if err := seedLoanHistory(ctx, db, ids, now); err != nil {
		return len(ids), err
	}
	var orgID, userID int64
	err := db.QueryRow(ctx, `SELECT org_id, id FROM users WHERE email = 'per@angstringen.demo.test'`).Scan(&orgID, &userID)
	if err == pgx.ErrNoRows {
		return len(ids), nil
	}
	if err != nil {
		return len(ids), err
	}
	today := tz.Midnight(now)
	who := licences.Requester{OrgID: orgID, UserID: userID, Lang: "nb"}
	ask := func(provider string, first, last time.Time, purpose, n string) (int64, error) {
		f := licences.RequestForm{Provider: provider, First: first.Format(time.DateOnly), Last: last.Format(time.DateOnly), Purpose: purpose, MeetingMinutes: "90",
			Participants: n, ContactName: "Per Partner", ContactEmail: "per@angstringen.demo.test"}
		id, err := store.Request(ctx, who, f, 6, now)
		if err != nil {
			return 0, fmt.Errorf("demo request: %w", err)
		}
		return id, nil
	}
	running, err := ask(licences.Zoom, today, today.AddDate(0, 2, 0), "Digitale samtalegrupper på kveldstid", "20")
	if err != nil {
		return len(ids), err
	}
	if _, _, err := store.Decide(ctx, running, licences.Decision{Approve: true, Licence: ids[0], Told: true}, audit.Actor{Label: "demo"}); err != nil {
		return len(ids), err
	}
	_, err = ask(licences.Whereby, today.AddDate(0, 0, 7), today.AddDate(0, 3, 0), "Likepersonsamtaler én til én", "2")
	return len(ids), err
}
