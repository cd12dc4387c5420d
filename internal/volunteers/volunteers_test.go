package volunteers_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

// env is a fresh database with two themes and a staff member; now is noon in Oslo on
// 15 June 2026.
type env struct {
	db          *pgxpool.Pool
	b           *fixture.Builder
	s           *volunteers.Store
	angst, sorg int64
	staff       int64
	now, today  time.Time
}

func newFixture(t *testing.T) *env {
	t.Helper()
	db := pgtest.New(t)
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, tz.Oslo)
	b := fixture.New(t, db)
	f := &env{db: db, b: b, s: volunteers.NewStore(db), now: now, today: volunteers.Today(now)}
	f.angst = b.Theme("Angst", inEnglish("Anxiety")).ID
	f.sorg = b.Theme("Sorg", inEnglish("Grief")).ID
	f.staff = b.User("Stine Ansatt", auth.Staff, 0).ID
	return f
}

// inEnglish gives a theme its English name.
func inEnglish(name string) func(*groups.ThemeForm) {
	return func(f *groups.ThemeForm) { f.NameEN = name }
}

func (f *env) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (f *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// group makes an unpublished group named slug with status and themes (a theme of its own
// when none); a non-zero startup is when its status history says it went into start-up.
func (f *env) group(t *testing.T, slug, status string, startup time.Time, themes ...int64) int64 {
	t.Helper()
	opts := []fixture.GroupOption{fixture.Named(slug), fixture.Unpublished(), fixture.Status(status)}
	if len(themes) > 0 {
		opts = append(opts, fixture.InThemes(themes...))
	}
	id := f.b.Group(opts...).ID
	if !startup.IsZero() {
		// SQL: a status change is written at the time it is made, and these tests start
		// groups on given days in the past.
		f.exec(t, `INSERT INTO group_status_history (group_id, status, changed_at) VALUES ($1, 'startup', $2)`, id, startup)
	}
	return id
}

// volunteer adds an active volunteer with themes.
func (f *env) volunteer(t *testing.T, name string, themes ...int64) volunteers.Volunteer {
	t.Helper()
	v, err := f.s.Create(context.Background(), volunteers.Form{Name: name, Active: true, Themes: themes}, f.today)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return v
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fieldError fails unless err is a validate.Errors with msg at field.
func fieldError(t *testing.T, err error, field, msg string) {
	t.Helper()
	var e validate.Errors
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a field error %s at %s", err, msg, field)
	}
	if got, ok := e.Get(field); !ok || got.Msg != msg {
		t.Errorf("errors = %v, want %s at %s", e, msg, field)
	}
}

func TestFormValidate(t *testing.T) {
	t.Parallel()
	today := date(2026, 6, 15)
	cases := []struct {
		name  string
		form  volunteers.Form
		field string // "" when valid
		msg   string
	}{
		{"blank name", volunteers.Form{Name: "  "}, "name", "volunteers.name.required"},
		{"long name", volunteers.Form{Name: strings.Repeat("å", 121)}, "name", "form.tooLong"},
		{"bad e-mail", volunteers.Form{Name: "Kari", Email: "kari@"}, "email", validate.EmailInvalid},
		{"bad phone", volunteers.Form{Name: "Kari", Phone: "ring meg"}, "phone", "volunteers.phone.invalid"},
		{"bad date", volunteers.Form{Name: "Kari", TrainedOn: "31.02.2025"}, "trained_on", "form.date.invalid"},
		{"trained tomorrow", volunteers.Form{Name: "Kari", TrainedOn: "2026-06-16"}, "trained_on", "volunteers.trainedOn.future"},
		{"long notes", volunteers.Form{Name: "Kari", Notes: strings.Repeat("x", 2001)}, "notes", "form.tooLong"},
		{"all good", volunteers.Form{Name: " Kari ", Email: "kari@example.no", Phone: "900 00 001", TrainedOn: "2026-06-15"}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := c.form.Validate(today)
			if c.field == "" {
				if !errs.OK() {
					t.Fatalf("errors = %v", errs)
				}
				return
			}
			if got, ok := errs.Get(c.field); !ok || got.Msg != c.msg {
				t.Errorf("errors = %v, want %s at %s", errs, c.msg, c.field)
			}
		})
	}
	f := volunteers.Form{Name: "Kari", Phone: "900 00 001", Availability: []string{"3-evening", "1-morning", "8-evening", "1-night", "3-evening"},
		Themes: []int64{4, 2, 4, 0, -1}}
	if errs := f.Validate(today); !errs.OK() {
		t.Fatal(errs)
	}
	if f.Phone != "+4790000001" || !slices.Equal(f.Availability, []string{"1-morning", "3-evening"}) || !slices.Equal(f.Themes, []int64{2, 4}) {
		t.Errorf("normalised form = %+v", f)
	}
}

// The register lists by name, searches name, e-mail and phone, filters active and inactive,
// pages, and shows each volunteer's themes and load.
func TestRegister(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	kari := f.volunteer(t, "Kari Igangsetter", f.angst, f.sorg)
	ola, err := f.s.Create(ctx, volunteers.Form{Name: "Ola Hjelper", Email: "ola@example.no", Phone: "90000002",
		TrainedOn: "2025-10-01", Availability: []string{"2-evening"}, Notes: "Erfaren", Active: true}, f.today)
	if err != nil {
		t.Fatal(err)
	}
	åse := f.volunteer(t, "Åse Tidligere")
	if _, err := f.s.Update(ctx, åse.ID, volunteers.Form{Name: "Åse Tidligere", Active: false}, f.today); err != nil {
		t.Fatal(err)
	}
	g := f.group(t, "g1", "startup", f.now)
	if _, err := f.s.Assign(ctx, g, ola.ID, false, f.staff, f.now); err != nil {
		t.Fatal(err)
	}

	names := func(list []volunteers.Volunteer) []string {
		var out []string
		for _, v := range list {
			out = append(out, v.Name)
		}
		return out
	}
	for _, c := range []struct {
		filter volunteers.Filter
		want   []string
	}{
		{volunteers.Filter{}, []string{"Kari Igangsetter", "Ola Hjelper"}},
		{volunteers.Filter{Show: volunteers.ShowInactive}, []string{"Åse Tidligere"}},
		{volunteers.Filter{Show: volunteers.ShowAll}, []string{"Kari Igangsetter", "Ola Hjelper", "Åse Tidligere"}},
		{volunteers.Filter{Query: "EXAMPLE.no"}, []string{"Ola Hjelper"}},
		{volunteers.Filter{Query: "+4790000002"}, []string{"Ola Hjelper"}},
		{volunteers.Filter{Query: "igang", Show: volunteers.ShowAll}, []string{"Kari Igangsetter"}},
		{volunteers.Filter{Query: "%"}, nil},
	} {
		list, total, err := f.s.List(ctx, c.filter, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names(list), c.want) || total != len(c.want) {
			t.Errorf("%+v: %v (%d), want %v", c.filter, names(list), total, c.want)
		}
	}
	page, total, err := f.s.List(ctx, volunteers.Filter{Show: volunteers.ShowAll}, 1, 1)
	if err != nil || total != 3 || len(page) != 1 || page[0].Name != "Ola Hjelper" {
		t.Errorf("second page of one = %v, %d, %v", names(page), total, err)
	}
	got, err := f.s.Get(ctx, kari.ID)
	if err != nil || len(got.Themes) != 2 || got.Themes[0].NameNB != "Angst" || got.ActiveGroups != 0 {
		t.Errorf("kari = %+v, %v", got, err)
	}
	if got, _ = f.s.Get(ctx, ola.ID); got.ActiveGroups != 1 || got.Phone != "+4790000002" || got.TrainedOn == nil ||
		!got.TrainedOn.Equal(date(2025, 10, 1)) || !slices.Equal(got.Availability, []string{"2-evening"}) {
		t.Errorf("ola = %+v", got)
	}
	if _, err := f.s.Update(ctx, kari.ID, volunteers.Form{Name: "Kari Igangsetter", Active: true, Themes: []int64{f.sorg}}, f.today); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.s.Get(ctx, kari.ID); len(got.Themes) != 1 || got.Themes[0].ID != f.sorg {
		t.Errorf("themes after update = %+v", got.Themes)
	}
	if _, err := f.s.Update(ctx, kari.ID, volunteers.Form{Name: "Kari", Themes: []int64{999999}}, f.today); err == nil {
		t.Error("an unknown theme was accepted")
	} else {
		fieldError(t, err, "themes", "volunteers.themes.invalid")
	}
	if _, err := f.s.Get(ctx, 999999); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unknown volunteer: %v", err)
	}
	if _, err := f.s.Update(ctx, 999999, volunteers.Form{Name: "X"}, f.today); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("update unknown volunteer: %v", err)
	}
	opts, err := f.s.Options(ctx)
	if err != nil || len(opts) != 2 || opts[1].Name != "Ola Hjelper" || opts[1].ActiveGroups != 1 {
		t.Errorf("options = %+v, %v", opts, err)
	}
}
