package signups_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// An answer STOPP stops SMS to every participant with that number, however it was typed, and
// to nobody else, with an audit line each that names no number; a second STOPP changes nothing.
func TestStopSMSFrom(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := setup(t)
	insert := func(email *string, phone string) int64 {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO participants (first_name, email, phone, contact, lang)
			VALUES ('Kari', $1, $2, 'sms', 'nb') RETURNING id`, email, phone).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b := "a@example.org", "b@example.org"
	same := []int64{insert(&a, "91234567"), insert(&b, "+4791234567"), insert(nil, "004791234567")}
	other := []int64{insert(nil, "+4691234567"), insert(nil, "+4791234568")} // the same last eight digits in Sweden; another number
	store := signups.NewStore(db, nil)
	n, err := store.StopSMSFrom(ctx, "+4791234567")
	if err != nil || n != 3 {
		t.Fatalf("StopSMSFrom = %d, %v; want 3", n, err)
	}
	for _, id := range same {
		if p, err := store.Participant(ctx, id); err != nil || p.SMSStoppedAt == nil {
			t.Errorf("participant %d: %+v, %v; want SMS stopped", id, p, err)
		}
	}
	for _, id := range other {
		if p, err := store.Participant(ctx, id); err != nil || p.SMSStoppedAt != nil {
			t.Errorf("participant %d with another number: %+v, %v; want SMS allowed", id, p, err)
		}
	}
	var lines int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_label = 'sms' AND entity = 'participant'
		AND details::text NOT LIKE '%1234567%'`, audit.SMSStopped).Scan(&lines); err != nil || lines != 3 {
		t.Errorf("%d audit lines, %v; want 3 without the number", lines, err)
	}
	if n, err := store.StopSMSFrom(ctx, "91234567"); err != nil || n != 0 {
		t.Errorf("second STOPP = %d, %v; want nothing changed", n, err)
	}
	if _, err := store.StopSMSFrom(ctx, "Twilio"); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("STOPP from a name = %v; want ErrInvalid", err)
	}
}

// Staff stop SMS to a participant and allow it again, each audited; a participant without a
// number cannot be allowed SMS.
func TestSetSMSStopped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := setup(t)
	var id, noPhone int64
	if err := db.QueryRow(ctx, `INSERT INTO participants (first_name, phone, contact, lang) VALUES ('Ola', '91234567', 'phone', 'nb') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO participants (first_name, email, lang) VALUES ('Per', 'per@example.org', 'nb') RETURNING id`).Scan(&noPhone); err != nil {
		t.Fatal(err)
	}
	store := signups.NewStore(db, nil)
	staff := audit.Actor{ID: 0, Label: "ansatt@example.org"}
	if err := store.SetSMSStopped(ctx, id, true, staff); err != nil {
		t.Fatal(err)
	}
	if p, _ := store.Participant(ctx, id); p.SMSStoppedAt == nil {
		t.Error("SMS not stopped")
	}
	if err := store.SetSMSStopped(ctx, id, false, staff); err != nil {
		t.Fatal(err)
	}
	if p, _ := store.Participant(ctx, id); p.SMSStoppedAt != nil {
		t.Error("SMS not allowed again")
	}
	if err := store.SetSMSStopped(ctx, noPhone, false, staff); !errors.Is(err, postgres.ErrInvalid) {
		t.Errorf("allowing SMS without a number = %v; want ErrInvalid", err)
	}
	if err := store.SetSMSStopped(ctx, id+1000, true, staff); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("a missing participant = %v; want ErrNotFound", err)
	}
	var actions []string
	rows, _ := db.Query(ctx, `SELECT action FROM audit_log WHERE actor_label = $1 AND entity_id = $2 ORDER BY id`, staff.Label, strconv.FormatInt(id, 10))
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	if len(actions) != 2 || actions[0] != audit.SMSStopped || actions[1] != audit.SMSAllowed {
		t.Errorf("audit %v; want stopped then allowed", actions)
	}
}
