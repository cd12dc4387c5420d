package signups_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// setup is a fresh database with the theme Angst and Tirsdagsgruppa in it, a published group
// of two places on Tuesday evenings.
func setup(t *testing.T) (*pgxpool.Pool, signups.Target) {
	t.Helper()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	theme := b.Theme("Angst", func(f *groups.ThemeForm) { f.NameEN = "Anxiety" })
	group := b.Group(fixture.Named("Tirsdagsgruppa"), fixture.InThemes(theme.ID), fixture.Places(2))
	return db, signups.Target{GroupID: group.ID, ThemeID: theme.ID}
}

func form(email string) *signups.Form {
	f := &signups.Form{FirstName: "Kari", Email: email, Adult: true, Consent: true,
		Prefs: signups.Prefs{Formats: []string{"house"}, Availability: []string{"2-evening"}}}
	if errs := f.Validate(); !errs.OK() {
		panic(errs)
	}
	return f
}

func TestValidate(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 10000)
	cases := []struct {
		name  string
		edit  func(*signups.Form)
		field string
	}{
		{"no name", func(f *signups.Form) { f.FirstName = " " }, "first_name"},
		{"long name", func(f *signups.Form) { f.FirstName = long }, "first_name"},
		{"no contact", func(f *signups.Form) { f.Email, f.Phone = "", "" }, "email"},
		{"bad e-mail", func(f *signups.Form) { f.Email = "<script>alert(1)</script>" }, "email"},
		{"bad phone", func(f *signups.Form) { f.Phone = "ring meg" }, "phone"},
		{"short phone", func(f *signups.Form) { f.Phone = "1234" }, "phone"},
		{"long note", func(f *signups.Form) { f.Note = long }, "note"},
		{"no format", func(f *signups.Form) { f.Formats = []string{"<script>"} }, "formats"},
		{"under 18", func(f *signups.Form) { f.Adult = false }, "adult"},
		{"no consent", func(f *signups.Form) { f.Consent = false }, "consent"},
		{"age band", func(f *signups.Form) { f.AgeBand = "12" }, "age_band"},
		{"call me without a number", func(f *signups.Form) { f.Contact = "phone" }, "phone"},
		{"SMS without a number", func(f *signups.Form) { f.Contact = "sms" }, "phone"},
	}
	for _, c := range cases {
		f := signups.Form{FirstName: "Kari", Email: "kari@example.no", Adult: true, Consent: true,
			Prefs: signups.Prefs{Formats: []string{"digital"}}}
		c.edit(&f)
		if errs := f.Validate(); !errs.Has(c.field) {
			t.Errorf("%s: errors %v, want one on %s", c.name, errs, c.field)
		}
	}
	// Choosing SMS or a call with no way to reach them at all gives one message, at the phone
	// number, and the choice is kept for the form shown again.
	for _, contact := range []string{"sms", "phone"} {
		f := signups.Form{FirstName: "Kari", Contact: contact, Adult: true, Consent: true, Prefs: signups.Prefs{Formats: []string{"digital"}}}
		if errs := f.Validate(); len(errs) != 1 || !errs.Has("phone") || f.Contact != contact {
			t.Errorf("%s without e-mail or number: errors %v, contact %q", contact, errs, f.Contact)
		}
	}
	f := signups.Form{FirstName: " Kari ", Phone: "912 34 567", Adult: true, Consent: true,
		Prefs: signups.Prefs{Formats: []string{"digital", "digital", "x"}, Availability: []string{"1-evening", "8-evening", "2-night", "1-evening"}}}
	if errs := f.Validate(); !errs.OK() {
		t.Fatalf("valid form refused: %v", errs)
	}
	if f.FirstName != "Kari" || f.Phone != "+4791234567" || f.Contact != "sms" || len(f.Formats) != 1 || len(f.Availability) != 1 || f.Languages[0] != "nb" {
		t.Errorf("normalised form: %+v", f)
	}
	// "Ring meg" with a number in any form people type: stored in E.164, contact kept.
	for _, phone := range []string{"(+47) 912 34 567", "0047 91234567", "+46 70 123 45 67"} {
		f := signups.Form{FirstName: "Kari", Email: "kari@example.no", Phone: phone, Contact: "phone", Adult: true, Consent: true,
			Prefs: signups.Prefs{Formats: []string{"digital"}}}
		if errs := f.Validate(); !errs.OK() || f.Contact != "phone" || !strings.HasPrefix(f.Phone, "+4") || strings.ContainsAny(f.Phone, " ()") {
			t.Errorf("call me with %q: %+v, %v", phone, f, errs)
		}
	}
	// A number typed wrong has its own message, not the one asking for a number.
	bad := signups.Form{FirstName: "Kari", Email: "kari@example.no", Phone: "12", Contact: "phone", Adult: true, Consent: true,
		Prefs: signups.Prefs{Formats: []string{"digital"}}}
	if errs := bad.Validate(); func() bool { e, ok := errs.Get("phone"); return !ok || e.Msg != "signup.phone.invalid" }() {
		t.Errorf("call me with a bad number: %v", errs)
	}
}

// Twenty sign-ups with one address for one group, at once: one person, one sign-up, and
// exactly one call is told it created something (so exactly one e-mail is sent).
func TestConcurrentSignupsMakeOne(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	out := mailtest.Outbox(t, db)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			tx, err := db.Begin(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			defer tx.Rollback(context.Background())
			res, err := signups.NewStore(tx, out).SignUp(context.Background(), form("Kari@Example.no"), signups.Target{GroupID: target.GroupID}, "nb")
			if err != nil {
				t.Error(err)
				return
			}
			if err := tx.Commit(context.Background()); err != nil {
				t.Error(err)
				return
			}
			if res.Created {
				mu.Lock()
				created++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var people, rows int
	db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM signups)`).Scan(&people, &rows)
	if people != 1 || rows != 1 || created != 1 {
		t.Errorf("%d participants, %d sign-ups, %d created; want 1, 1, 1", people, rows, created)
	}
	if mails := mailtest.All(t, db); len(mails) != 1 {
		t.Errorf("%d mails queued, want 1: %+v", len(mails), mails)
	}
}

func TestSecondSignupKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	first, _ := s.SignUp(ctx, form("ola@example.no"), signups.Target{ThemeID: target.ThemeID}, "nb")
	other := form("OLA@example.no")
	other.FirstName = "Inntrenger"
	second, err := s.SignUp(ctx, other, signups.Target{GroupID: target.GroupID}, "nb")
	if err != nil || second.ParticipantID != first.ParticipantID || !second.Created {
		t.Fatalf("second sign-up for another thing: %+v %v", second, err)
	}
	p, _ := s.Participant(ctx, first.ParticipantID)
	if p.FirstName != "Kari" {
		t.Errorf("a second sign-up overwrote the name: %q", p.FirstName)
	}
}

func TestLinkExportWithdrawAndDelete(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	res, _ := s.SignUp(ctx, form("kari@example.no"), signups.Target{GroupID: target.GroupID}, "nb")
	token := linkIn(t, db, "kari@example.no", "/mine/")
	p, err := s.ByLink(ctx, token)
	if err != nil || p.ID != res.ParticipantID {
		t.Fatalf("by link: %v", err)
	}
	if _, err := s.ByLink(ctx, token+"x"); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("wrong token: %v", err)
	}
	other, _ := s.SignUp(ctx, form("per@example.no"), signups.Target{GroupID: target.GroupID}, "nb")
	var errs validate.Errors
	if err := s.UpdatePrefs(ctx, res.ParticipantID, res.SignupID, &signups.Prefs{Formats: []string{"<script>"}}); !errors.As(err, &errs) || !errs.Has("formats") {
		t.Errorf("preferences without a format: %v", err)
	}
	if err := s.UpdatePrefs(ctx, other.ParticipantID, res.SignupID, &signups.Prefs{Formats: []string{"digital"}}); !errors.Is(err, postgres.ErrNotFound) {
		t.Error("a participant changed someone else's sign-up")
	}
	if err := s.UpdatePrefs(ctx, res.ParticipantID, res.SignupID, &signups.Prefs{Formats: []string{"digital"}, Languages: []string{"en"}}); err != nil {
		t.Fatal(err)
	}
	x, err := s.ExportData(ctx, res.ParticipantID)
	if err != nil || len(x.Signups) != 1 || x.Signups[0].Formats[0] != "digital" || len(x.Links) != 1 || *x.Participant.Email != "kari@example.no" {
		t.Fatalf("export: %+v %v", x, err)
	}
	if err := s.Withdraw(ctx, res.ParticipantID, res.SignupID); err != nil {
		t.Fatal(err)
	}
	if err := s.Withdraw(ctx, res.ParticipantID, res.SignupID); !errors.Is(err, postgres.ErrNotFound) {
		t.Error("withdrawing twice")
	}
	if err := s.DeleteOwn(ctx, res.ParticipantID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if mails := mailtest.All(t, db); len(mails) != 1 || mails[0].To != "per@example.no" {
		t.Errorf("after deleting, the outbox holds %+v; want only the mail to per@example.no", mails)
	}
	var audited int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&audited)
	if audited != 0 {
		t.Errorf("deleting one's own data left %d audit lines", audited)
	}
	var left int
	db.QueryRow(ctx, `SELECT (SELECT count(*) FROM participants WHERE email = 'kari@example.no')
		+ (SELECT count(*) FROM signups WHERE participant_id = $1) + (SELECT count(*) FROM participant_links WHERE participant_id = $1)`,
		res.ParticipantID).Scan(&left)
	if left != 0 {
		t.Errorf("%d rows left after delete", left)
	}
	var signupsCounted, deleted int
	db.QueryRow(ctx, `SELECT coalesce(sum(count) FILTER (WHERE metric = 'signups'), 0), coalesce(sum(count) FILTER (WHERE metric = 'deleted_by_request'), 0) FROM yearly_counts`).Scan(&signupsCounted, &deleted)
	if signupsCounted != 2 || deleted != 1 {
		t.Errorf("yearly counts: %d sign-ups, %d deleted", signupsCounted, deleted)
	}
}

// staff is the staff member of the tests' audit lines.
var staff = audit.Actor{Label: "ansatt@example.no", IP: "192.0.2.7"}

func TestPlaceRespectsCapacityAndPurgeRemovesOldData(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	var ids []int64
	for _, e := range []string{"a@example.no", "b@example.no", "c@example.no"} {
		r, _ := s.SignUp(ctx, form(e), signups.Target{ThemeID: target.ThemeID}, "nb")
		ids = append(ids, r.ParticipantID)
	}
	if err := s.Place(ctx, ids[0], target.GroupID, staff); err != nil {
		t.Fatal(err)
	}
	if err := s.Place(ctx, ids[0], target.GroupID, staff); !errors.Is(err, postgres.ErrConflict) {
		t.Errorf("placing twice: %v", err)
	}
	if err := s.Place(ctx, ids[1], target.GroupID, staff); err != nil {
		t.Fatal(err)
	}
	if err := s.Place(ctx, ids[2], target.GroupID, staff); !errors.Is(err, signups.ErrFull) {
		t.Errorf("third in a group of two: %v", err)
	}
	var errs validate.Errors
	if err := s.Place(ctx, ids[2], 0, staff); !errors.As(err, &errs) || !errs.Has("group") {
		t.Errorf("placing in no group: %v", err)
	}
	list, _ := s.Signups(ctx, ids[0])
	if list[0].Status != signups.Member {
		t.Errorf("the theme sign-up became %q", list[0].Status)
	}
	ms, _ := s.Memberships(ctx, ids[1])
	if _, err := s.MarkLeft(ctx, ms[0].ID, staff); err != nil {
		t.Fatal(err)
	}
	// Each placement and the leaving is in the audit log; the refused placements are not.
	var placed, left int
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = $1 AND details->>'group_id' = $3::bigint::text),
			count(*) FILTER (WHERE action = $2 AND entity_id = $4::bigint::text)
		FROM audit_log WHERE entity = 'participant' AND actor_label = 'ansatt@example.no'`,
		audit.ParticipantPlaced, audit.ParticipantLeft, target.GroupID, ids[1]).Scan(&placed, &left)
	if err != nil || placed != 2 || left != 1 {
		t.Errorf("audit log: %d placements, %d left (%v); want 2, 1", placed, left, err)
	}
	// Make the leaver's data old, then purge.
	db.Exec(ctx, `UPDATE signups SET status_changed_at = now() - interval '13 months' WHERE participant_id = $1`, ids[1])
	db.Exec(ctx, `UPDATE participants SET created_at = now() - interval '14 months'`)
	n, err := s.Purge(ctx, 12)
	if err != nil || n != 1 {
		t.Fatalf("purge removed %d people (%v), want 1", n, err)
	}
	var to []string
	for _, m := range mailtest.All(t, db) {
		to = append(to, m.To)
	}
	// a's sign-up and her confirmation of the place, and c's sign-up: b's two mails are gone.
	if !slices.Equal(to, []string{"a@example.no", "c@example.no", "a@example.no"}) {
		t.Errorf("after the purge, mail to %v; want the mail to b@example.no gone and no other", to)
	}
	if _, err := s.Participant(ctx, ids[1]); !errors.Is(err, postgres.ErrNotFound) {
		t.Error("the leaver is still there")
	}
	for _, id := range []int64{ids[0], ids[2]} {
		if _, err := s.Participant(ctx, id); err != nil {
			t.Errorf("purge removed an active participant: %v", err)
		}
	}
}

func TestRetentionWorkerPurges(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	r, _ := s.SignUp(ctx, form("gammel@example.no"), signups.Target{GroupID: target.GroupID}, "nb")
	s.Withdraw(ctx, r.ParticipantID, r.SignupID)
	db.Exec(ctx, `UPDATE signups SET status_changed_at = now() - interval '2 years'`)
	db.Exec(ctx, `UPDATE participants SET created_at = now() - interval '2 years'`)
	w := &signups.RetentionWorker{DB: db, Months: 12, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := w.Work(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Participant(ctx, r.ParticipantID); !errors.Is(err, postgres.ErrNotFound) {
		t.Error("the worker left an old withdrawn participant")
	}
}

// Staff delete a person at their request: the person, their mail and nothing else go, and
// the audit log says who did it.
func TestStaffDeleteIsAudited(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	kari, _ := s.SignUp(ctx, form("kari@example.no"), signups.Target{GroupID: target.GroupID}, "nb")
	s.SignUp(ctx, form("per@example.no"), signups.Target{GroupID: target.GroupID}, "nb")
	by := staff
	if err := s.Delete(ctx, kari.ParticipantID, by); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, kari.ParticipantID, by); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if mails := mailtest.All(t, db); len(mails) != 1 || mails[0].To != "per@example.no" {
		t.Errorf("after deleting, the outbox holds %+v", mails)
	}
	var action, label, entity string
	err := db.QueryRow(ctx, `SELECT action, actor_label, entity || ':' || entity_id FROM audit_log`).Scan(&action, &label, &entity)
	if err != nil || action != audit.ParticipantDeleted || label != by.Label || entity != "participant:"+strconv.FormatInt(kari.ParticipantID, 10) {
		t.Errorf("audit line: %s %s %s %v", action, label, entity, err)
	}
}

// Staff's view of a person is in the audit log, written with the reads; a person who is not
// there is ErrNotFound and leaves no line.
func TestStaffViewIsAudited(t *testing.T) {
	t.Parallel()
	db, target := setup(t)
	ctx := context.Background()
	s := signups.NewStore(db, mailtest.Outbox(t, db))
	kari, _ := s.SignUp(ctx, form("kari@example.no"), signups.Target{ThemeID: target.ThemeID}, "nb")
	v, err := s.View(ctx, kari.ParticipantID, signups.TimelineStep, staff)
	if err != nil || v.Participant.FirstName != "Kari" || len(v.Signups) != 1 || len(v.Groups) != 1 || v.Groups[0].ID != target.GroupID {
		t.Fatalf("view: %+v %v", v, err)
	}
	if _, err := s.View(ctx, kari.ParticipantID+1, signups.TimelineStep, staff); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("an unknown person: %v", err)
	}
	var lines int
	err = db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2::bigint::text AND actor_label = $3`,
		audit.PersonalDataViewed, kari.ParticipantID, staff.Label).Scan(&lines)
	if err != nil || lines != 1 {
		t.Errorf("%d audit lines for the view (%v), want 1", lines, err)
	}
	if db.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&lines); lines != 1 {
		t.Errorf("%d audit lines in all, want 1", lines)
	}
}
