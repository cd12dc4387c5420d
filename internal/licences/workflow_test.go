package licences_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// auditLines lists the audit log as "action entity entity_id actor", oldest first.
func auditLines(t *testing.T, db *pgxpool.Pool) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action || ' ' || entity || ' ' || entity_id || ' ' || actor_label FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// Each use case writes its audit line, and Decide its answer mail, with the change: a
// partner's answer links to the partner page, a group's has no link; reveals, a return and a
// password change are each one line; an invalid decision changes nothing.
func TestUseCasesWriteTheirMailAndAuditLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	lic := licence(t, s, "Zoom 1", "hemmelig", "100")
	partner := licences.Requester{OrgID: org(t, db, "Org"), Lang: "en"}
	group := groupNamed(t, db, "Sorggruppe")

	asked := request(t, s, partner, 0, 5, 5)
	var errs validate.Errors
	if _, _, err := s.Decide(ctx, asked, licences.Decision{Reason: "  "}, staff); !errors.As(err, &errs) || !errs.Has("reason") {
		t.Errorf("a refusal without a reason: %v", err)
	}
	if _, _, err := s.Decide(ctx, asked, licences.Decision{Approve: true}, staff); !errors.As(err, &errs) || !errs.Has("licence") {
		t.Errorf("an approval without a licence: %v", err)
	}
	if got := mailtest.All(t, db); len(got) != 0 {
		t.Fatalf("invalid decisions queued %+v", got)
	}
	_, loan, err := s.Decide(ctx, asked, licences.Decision{Approve: true, Licence: lic}, staff)
	if err != nil {
		t.Fatal(err)
	}
	declined := request(t, s, licences.Requester{GroupID: group, Lang: "nb"}, 1, 2, 5)
	if _, _, err := s.Decide(ctx, declined, licences.Decision{Reason: "Alle er utlånt."}, staff); err != nil {
		t.Fatal(err)
	}
	got := mailtest.All(t, db)
	if len(got) != 2 || got[0].Kind != string(mail.KindLoanAnswer) || got[0].To != "kari@example.test" ||
		!strings.Contains(got[0].Text, mailtest.Base.String()+"/partner/lisenser") || strings.Contains(got[0].Text, "hemmelig") {
		t.Fatalf("the partner's answer: %+v", got)
	}
	if !strings.Contains(got[1].Text, "Alle er utlånt.") || strings.Contains(got[1].Text, "://") || strings.Contains(got[1].Subject+got[1].Text, "Sorg") {
		t.Errorf("the group's answer: %+v", got[1])
	}
	if _, _, err := s.RevealForBorrower(ctx, partner, loan.ID, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RevealForBorrower(ctx, partner, loan.ID, staff, time.Now().AddDate(0, 0, -1)); !errors.Is(err, licences.ErrNotNow) {
		t.Errorf("a reveal before the loan: %v", err)
	}
	if _, err := s.RevealForStaff(ctx, lic, staff); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Return(ctx, loan.ID, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	l, err := s.Get(ctx, lic)
	if err != nil {
		t.Fatal(err)
	}
	f := licences.FormOf(l)
	if err := s.Update(ctx, lic, f, staff); err != nil { // no new password: no line
		t.Fatal(err)
	}
	f.Secret = "nytt"
	if err := s.Update(ctx, lic, f, staff); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"licence.lent licence_request " + strconv.FormatInt(asked, 10) + " test",
		"licence.request_declined licence_request " + strconv.FormatInt(declined, 10) + " test",
		"licence.credentials.shown licence_loan " + strconv.FormatInt(loan.ID, 10) + " test",
		"licence.credentials.shown licence " + strconv.FormatInt(lic, 10) + " test",
		"licence.returned licence_loan " + strconv.FormatInt(loan.ID, 10) + " test",
		"licence.password_changed licence " + strconv.FormatInt(lic, 10) + " test",
	}
	if lines := auditLines(t, db); strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	// An answer already given on the phone is recorded and audited, and no mail is queued.
	told := request(t, s, licences.Requester{GroupID: group, Lang: "nb"}, 3, 4, 5)
	if _, _, err := s.Decide(ctx, told, licences.Decision{Reason: "Sagt på telefon.", Told: true}, staff); err != nil {
		t.Fatal(err)
	}
	if again := mailtest.All(t, db); len(again) != 2 {
		t.Errorf("an answer given on the phone queued %+v", again[2:])
	}
	var toldLines int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'licence_request' AND entity_id = $1
		AND details->>'told' = 'true'`, strconv.FormatInt(told, 10)).Scan(&toldLines); err != nil || toldLines != 1 {
		t.Errorf("audit lines of the told answer: %d, %v", toldLines, err)
	}
}

// A store built on a transaction joins it: a decision rolled back with it leaves no loan, no
// mail and no audit line.
func TestDecideJoinsTheCallersTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	s := store(t, db, ring(t, secretA))
	lic := licence(t, s, "Zoom 1", "x", "100")
	id := request(t, s, licences.Requester{OrgID: org(t, db, "Org"), Lang: "nb"}, 0, 5, 5)
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := licences.NewStore(tx, ring(t, secretA), mailtest.Outbox(t, db)).Decide(ctx, id,
		licences.Decision{Approve: true, Licence: lic}, staff); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var loans, lines int
	db.QueryRow(ctx, `SELECT (SELECT count(*) FROM licence_loans), (SELECT count(*) FROM audit_log)`).Scan(&loans, &lines)
	if got := mailtest.All(t, db); loans != 0 || lines != 0 || len(got) != 0 {
		t.Errorf("after the rollback: %d loans, %d audit lines, %d mails", loans, lines, len(got))
	}
	if q, _ := s.GetRequest(ctx, nil, id); q.Status != licences.Pending {
		t.Errorf("the request is %s after the rollback", q.Status)
	}
}

// The reveal state of a loan over its life: not yet before it begins, allowed while it runs,
// waiting while the password is due, ended once returned, cancelled or over.
func TestRevealState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	running := licences.Loan{Starts: now.AddDate(0, 0, -1), Ends: now.AddDate(0, 0, 1)}
	passwordDue, returned, cancelled := running, running, running
	passwordDue.PasswordDue = true
	returned.ReturnedAt, cancelled.CancelledAt = &now, &now
	for _, c := range []struct {
		name string
		loan licences.Loan
		at   time.Time
		want licences.RevealState
	}{
		{"before it begins", running, running.Starts.Add(-time.Second), licences.RevealNotYet},
		{"as it begins", running, running.Starts, licences.RevealAllowed},
		{"running", running, now, licences.RevealAllowed},
		{"password due", passwordDue, now, licences.RevealPasswordDue},
		{"password due, before it begins", passwordDue, running.Starts.Add(-time.Second), licences.RevealNotYet},
		{"at its end", running, running.Ends, licences.RevealEnded},
		{"returned", returned, now, licences.RevealEnded},
		{"cancelled", cancelled, running.Starts.Add(-time.Hour), licences.RevealEnded},
	} {
		if got := c.loan.RevealState(c.at); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
