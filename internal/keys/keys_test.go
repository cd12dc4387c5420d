package keys_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/keys"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// env is a fresh database with three rooms and a staff member who hands keys out.
type env struct {
	db                 *pgxpool.Pool
	s                  *keys.Store
	bjork, furu, linde int64
	staff              audit.Actor
}

func newFixture(t *testing.T) *env {
	t.Helper()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	f := &env{db: db, s: keys.NewStore(db)}
	f.linde, f.bjork, f.furu = b.Room("Lindehjørnet", 10).ID, b.Room("Bjørkerommet", 10).ID, b.Room("Furustua", 10).ID
	stine := b.User("Stine Ansatt", auth.Staff, 0)
	f.staff = audit.Actor{ID: stine.ID, Label: stine.Email}
	return f
}

// key creates a key that opens rooms.
func (f *env) key(t *testing.T, label string, rooms ...int64) keys.Key {
	t.Helper()
	k, err := f.s.Create(context.Background(), keys.Form{Label: label, Kind: keys.KindKey, Rooms: rooms})
	if err != nil {
		t.Fatalf("create %s: %v", label, err)
	}
	return k
}

// lend hands k out to holder at now.
func (f *env) lend(t *testing.T, k keys.Key, form keys.LoanForm, now time.Time) keys.Loan {
	t.Helper()
	l, err := f.s.HandOut(context.Background(), k.ID, form, f.staff, now)
	if err != nil {
		t.Fatalf("hand out %s: %v", k.Label, err)
	}
	return l
}

// agreement books Bjørkerommet weekly, as a standing agreement or not, with one meeting during
// [from, to), and cancels that meeting when cancelled is set.
func (f *env) agreement(t *testing.T, title string, standing bool, from, to time.Time, cancelled bool) int64 {
	t.Helper()
	ctx := context.Background()
	s := rooms.NewStore(f.db, nil)
	res, err := s.Book(ctx, rooms.Booking{RoomID: f.bjork, Title: title, Holder: "internal", Frequency: rooms.Weekly,
		Standing: standing, OverrideReason: "test"}, []rooms.Slot{{Start: from, End: to}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if cancelled {
		v, err := s.Get(ctx, res.BookingID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cancel(ctx, res.BookingID, rooms.Cancellation{Occurrence: v.Occurrences[0].ID, Reason: "avlyst"}); err != nil {
			t.Fatal(err)
		}
	}
	return res.BookingID
}

func fieldError(err error, field string) string {
	var e validate.Errors
	if !errors.As(err, &e) {
		return ""
	}
	fe, _ := e.Get(field)
	return fe.Msg
}

func oslo(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, tz.Oslo)
}

func TestCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.s.Create(ctx, keys.Form{Label: "  ", Kind: "lock", Note: string(make([]byte, 301))})
	for field, want := range map[string]string{"label": "keys.label.required", "kind": "keys.kind.required",
		"note": "form.tooLong", "rooms": "keys.rooms.required"} {
		if got := fieldError(err, field); got != want {
			t.Errorf("empty form: %s = %q, want %q", field, got, want)
		}
	}
	k, err := f.s.Create(ctx, keys.Form{Label: " N-01 ", Kind: keys.KindCard, Note: "Henger i skapet", Rooms: []int64{f.linde, f.bjork, f.linde}})
	if err != nil {
		t.Fatal(err)
	}
	if k.Label != "N-01" || k.Kind != keys.KindCard || k.Loan != nil || len(k.Rooms) != 2 ||
		k.Rooms[0].Name != "Bjørkerommet" || k.Rooms[1].Name != "Lindehjørnet" {
		t.Errorf("created key: %+v", k)
	}
	if _, err := f.s.Create(ctx, keys.Form{Label: "N-01", Kind: keys.KindKey, Rooms: []int64{f.furu}}); fieldError(err, "label") != "keys.label.taken" {
		t.Errorf("a taken label: %v", err)
	}
	if _, err := f.s.Create(ctx, keys.Form{Label: "N-02", Kind: keys.KindKey, Rooms: []int64{999999}}); fieldError(err, "rooms") != "keys.rooms.invalid" {
		t.Errorf("an unknown room: %v", err)
	}
	var n int
	f.db.QueryRow(ctx, `SELECT count(*) FROM keys`).Scan(&n)
	if n != 1 {
		t.Errorf("%d keys stored, want 1: a refused key left a row", n)
	}
	if _, err := f.s.Get(ctx, 999999); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("get an unknown key: %v", err)
	}
	rooms, err := f.s.Rooms(ctx)
	if err != nil || len(rooms) != 3 || rooms[0].Name != "Bjørkerommet" || rooms[2].Name != "Lindehjørnet" {
		t.Errorf("rooms = %v, %v", rooms, err)
	}
}

func TestLoanFormValidate(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		form  keys.LoanForm
		field string // "" when the form is fine
		msg   string
		phone string
		due   string
	}{
		{"fine", keys.LoanForm{HolderName: " Kari ", HolderPhone: "900 00 001", Due: "2026-03-10"}, "", "", "+4790000001", "2026-03-10"},
		{"Norwegian date", keys.LoanForm{HolderName: "Kari", Due: "1.4.2026"}, "", "", "", "2026-04-01"},
		{"no name", keys.LoanForm{HolderName: "  "}, "holder_name", "keys.holder.required", "", ""},
		{"long name", keys.LoanForm{HolderName: string(make([]rune, 121))}, "holder_name", "form.tooLong", "", ""},
		{"bad phone", keys.LoanForm{HolderName: "Kari", HolderPhone: "ring meg"}, "holder_phone", "keys.phone.invalid", "", ""},
		{"past", keys.LoanForm{HolderName: "Kari", Due: "2026-03-09"}, "due", "keys.due.past", "", ""},
		{"not a date", keys.LoanForm{HolderName: "Kari", Due: "neste uke"}, "due", "form.date.invalid", "", ""},
		{"bad group", keys.LoanForm{HolderName: "Kari", GroupID: -1}, "group", "keys.group.invalid", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := c.form.Validate(today)
			if c.field == "" {
				if !errs.OK() || c.form.HolderPhone != c.phone || c.form.Due != c.due {
					t.Errorf("errors %v, phone %q, due %q; want none, %q, %q", errs, c.form.HolderPhone, c.form.Due, c.phone, c.due)
				}
				return
			}
			if got, _ := errs.Get(c.field); got.Msg != c.msg {
				t.Errorf("%s = %q, want %q (all: %v)", c.field, got.Msg, c.msg, errs)
			}
		})
	}
}

// After a problem the due date is shown as a date field can show it: yyyy-mm-dd or nothing.
func TestLoanFormDueField(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"2026-03-10": "2026-03-10", " 1.4.2026 ": "2026-04-01", "2026-03-09": "2026-03-09",
		"neste uke": "", "": "", "31.12.1999": "", "2026-02-30": ""} {
		if got := (keys.LoanForm{Due: in}).DueField(); got != want {
			t.Errorf("DueField of %q = %q; want %q", in, got, want)
		}
	}
}

// Many staff members lend the same key at the same moment: the unique index lets exactly one
// through, and the others get the field error, not a server error.
func TestHandOutOneAtATime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	k := f.key(t, "N-01", f.bjork)
	const n = 24
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = f.s.HandOut(context.Background(), k.ID, keys.LoanForm{HolderName: "Holder " + strconv.Itoa(i)}, f.staff, time.Now())
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case fieldError(err, "holder_name") != "keys.out.already":
			t.Errorf("hand-out %d: %v, want the field error", i, err)
		}
	}
	var loans, entries int
	f.db.QueryRow(context.Background(), `SELECT count(*) FROM key_loans WHERE key_id = $1`, k.ID).Scan(&loans)
	f.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1`, audit.KeyHandedOut).Scan(&entries)
	if won != 1 || loans != 1 || entries != 1 {
		t.Errorf("%d hand-outs succeeded, %d loans, %d audit entries; want 1, 1, 1", won, loans, entries)
	}
}

func TestHandOutAndReturn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	k := f.key(t, "N-01", f.bjork)
	now := time.Now()
	l := f.lend(t, k, keys.LoanForm{HolderName: "Kari Kontakt", HolderPhone: "+4790000001"}, now.Add(-time.Hour))
	if l.HolderName != "Kari Kontakt" || l.HolderPhone != "+4790000001" || l.HandedOutBy != "Stine Ansatt" || !l.Out() {
		t.Errorf("loan: %+v", l)
	}
	got, err := f.s.Get(ctx, k.ID)
	if err != nil || got.Loan == nil || got.Loan.ID != l.ID {
		t.Fatalf("the key is not out after the hand-out: %+v, %v", got.Loan, err)
	}
	back, err := f.s.Return(ctx, k.ID, f.staff, now)
	if err != nil || back.ReturnedAt == nil || !back.ReturnedAt.Equal(now.Truncate(time.Microsecond)) || back.ReturnedTo != "Stine Ansatt" {
		t.Fatalf("return: %+v, %v", back, err)
	}
	if _, err := f.s.Return(ctx, k.ID, f.staff, now); !errors.Is(err, keys.ErrNotOut) {
		t.Errorf("second return: %v, want ErrNotOut", err)
	}
	if got, _ := f.s.Get(ctx, k.ID); got.Loan != nil {
		t.Errorf("the key is still out after the return: %+v", got.Loan)
	}
	second := f.lend(t, k, keys.LoanForm{HolderName: "Per Kontakt"}, now.Add(time.Minute))
	history, err := f.s.History(ctx, k.ID)
	if err != nil || len(history) != 2 || history[0].ID != second.ID || history[1].ID != l.ID || history[1].ReturnedAt == nil {
		t.Errorf("history = %+v, %v; want the two loans, newest first", history, err)
	}
	if _, err := f.s.HandOut(ctx, 999999, keys.LoanForm{HolderName: "Kari"}, f.staff, now); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("hand out an unknown key: %v", err)
	}
	other := f.key(t, "N-02", f.furu)
	if _, err := f.s.HandOut(ctx, other.ID, keys.LoanForm{HolderName: "Kari", GroupID: 999999}, f.staff, now); fieldError(err, "group") != "keys.group.invalid" {
		t.Errorf("an unknown group: %v", err)
	}
}

// Hand-outs and returns are in the audit log with the key, the loan and the holder's name, and
// never the phone number.
func TestAuditEntries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	k := f.key(t, "N-01", f.bjork)
	l := f.lend(t, k, keys.LoanForm{HolderName: "Kari Kontakt", HolderPhone: "+4790000001"}, time.Now())
	if _, err := f.s.HandOut(ctx, k.ID, keys.LoanForm{HolderName: "Per"}, f.staff, time.Now()); err == nil {
		t.Fatal("a key that is out was handed out again")
	}
	if _, err := f.s.Return(ctx, k.ID, f.staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	rows, total, err := audit.List(ctx, f.db, audit.Filter{Entity: "key"}, 10, 0)
	if err != nil || total != 2 {
		t.Fatalf("%d key entries (%v), want 2: one hand-out and one return, none for the refused one", total, err)
	}
	want := []string{audit.KeyReturned, audit.KeyHandedOut}
	for i, r := range rows {
		if r.Action != want[i] || r.EntityID != strconv.FormatInt(k.ID, 10) || r.ActorID == nil || *r.ActorID != f.staff.ID ||
			r.Details["loan_id"] != float64(l.ID) || r.Details["holder"] != "Kari Kontakt" {
			t.Errorf("entry %d: %+v", i, r)
		}
		for _, v := range r.Details {
			if s, ok := v.(string); ok && s == "+4790000001" {
				t.Errorf("entry %d holds the phone number: %v", i, r.Details)
			}
		}
	}
}
