package groups_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// env is a fresh database with two published themes and one hidden.
type env struct {
	db                  *pgxpool.Pool
	s                   *groups.Store
	angst, sorg, skjult groups.Theme
}

func newFixture(t *testing.T) *env {
	t.Helper()
	db := pgtest.New(t)
	f := &env{db: db, s: groups.NewStore(db)}
	f.angst = f.theme(t, "Angst og uro", true)
	f.sorg = f.theme(t, "Sorg og tap", true)
	f.skjult = f.theme(t, "Skjult tema", false)
	return f
}

func (f *env) theme(t *testing.T, name string, published bool) groups.Theme {
	t.Helper()
	th, err := f.s.CreateTheme(context.Background(), groups.ThemeForm{NameNB: name, NameEN: name + " (en)", Published: published})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// group creates a published group; change adjusts the form first.
func (f *env) group(t *testing.T, name string, change func(*groups.Form)) groups.Group {
	t.Helper()
	ctx := context.Background()
	form := groups.NewForm()
	form.Name, form.Weekday, form.Starts, form.Ends, form.Themes = name, 2, "18:00", "19:30", []int64{f.angst.ID}
	if change != nil {
		change(&form)
	}
	g, err := f.s.Create(ctx, form, 0)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if err := f.s.SetPublished(ctx, g.ID, true); err != nil {
		t.Fatal(err)
	}
	return g
}

// members makes n members of the group, and one who has left and does not count.
func (f *env) members(t *testing.T, g groups.Group, n int) {
	t.Helper()
	b := fixture.New(t, f.db)
	left := b.Member(g.ID)
	b.Leave(left.ParticipantID, g.ID)
	for range n {
		b.Member(g.ID)
	}
}

func names(list []groups.Group) []string {
	var out []string
	for _, g := range list {
		out = append(out, g.Name)
	}
	return out
}

func list(t *testing.T, s *groups.Store, f groups.Filter) []string {
	t.Helper()
	got, total, err := s.List(context.Background(), f, 25, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(got) {
		t.Errorf("List(%+v): total %d for %d rows on one page", f, total, len(got))
	}
	return names(got)
}

// Æ, Ø and Å come after Z, in that order, as in a Norwegian dictionary.
func TestListIsInNorwegianOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, n := range []string{"Zebra", "Åpen", "Ærlig", "Østkant", "Alfa"} {
		f.group(t, n, nil)
	}
	want := []string{"Alfa", "Zebra", "Ærlig", "Østkant", "Åpen"}
	if got := list(t, f.s, groups.Filter{}); !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	feed, err := f.s.Feed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := names(feed); !slices.Equal(got, want) {
		t.Errorf("feed order = %v, want %v", got, want)
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.group(t, "Angst tirsdag kveld", nil)
	f.group(t, "Sorg mandag morgen", func(g *groups.Form) {
		g.Themes, g.Weekday, g.Starts, g.Ends = []int64{f.sorg.ID}, 1, "11:59", "13:00"
	})
	f.group(t, "Digital ettermiddag", func(g *groups.Form) {
		g.Format, g.Platform, g.Starts, g.Ends, g.Themes = groups.FormatDigital, "zoom", "12:00", "13:00", []int64{f.angst.ID, f.sorg.ID}
	})
	f.group(t, "Sen ettermiddag", func(g *groups.Form) { g.Weekday, g.Starts, g.Ends = 3, "16:59", "17:30" })
	f.group(t, "Tidlig kveld", func(g *groups.Form) { g.Weekday, g.Starts, g.Ends = 3, "17:00", "18:00" })
	hidden := f.group(t, "Ikke publisert", nil)
	if err := f.s.SetPublished(ctx, hidden.ID, false); err != nil {
		t.Fatal(err)
	}
	f.group(t, "Bare skjult tema", func(g *groups.Form) { g.Themes = []int64{f.skjult.ID} })

	cases := []struct {
		f    groups.Filter
		want []string
	}{
		{groups.Filter{Theme: "sorg-og-tap"}, []string{"Digital ettermiddag", "Sorg mandag morgen"}},
		{groups.Filter{Theme: f.skjult.Slug}, nil}, // a hidden theme filters nothing in
		{groups.Filter{Format: groups.FormatDigital}, []string{"Digital ettermiddag"}},
		{groups.Filter{Weekday: 1}, []string{"Sorg mandag morgen"}},
		{groups.Filter{Weekday: 3}, []string{"Sen ettermiddag", "Tidlig kveld"}},
		{groups.Filter{DayPart: groups.Morning}, []string{"Sorg mandag morgen"}},
		{groups.Filter{DayPart: groups.Afternoon}, []string{"Digital ettermiddag", "Sen ettermiddag"}},
		{groups.Filter{DayPart: groups.Evening}, []string{"Angst tirsdag kveld", "Bare skjult tema", "Tidlig kveld"}},
		{groups.Filter{Theme: "angst-og-uro", Weekday: 2, DayPart: groups.Evening}, []string{"Angst tirsdag kveld"}},
		{groups.Filter{Format: "ukjent", Weekday: 9, DayPart: "natt"}, []string{"Angst tirsdag kveld", "Bare skjult tema",
			"Digital ettermiddag", "Sen ettermiddag", "Sorg mandag morgen", "Tidlig kveld"}}, // unknown values are ignored
	}
	for _, c := range cases {
		if got := list(t, f.s, c.f); !slices.Equal(got, c.want) {
			t.Errorf("List(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
}

func TestOnlyGroupsTakingMembers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.group(t, "Ledig", func(g *groups.Form) { g.Capacity = "3" })
	nearly := f.group(t, "Nesten full", func(g *groups.Form) { g.Capacity = "3" })
	f.members(t, nearly, 2)
	full := f.group(t, "Full", func(g *groups.Form) { g.Capacity = "2" })
	f.members(t, full, 2)
	f.group(t, "Lukket", func(g *groups.Form) { g.Open = false })
	paused := f.group(t, "Pause", nil)
	if err := f.s.SetStatus(ctx, paused.ID, groups.StatusPaused, 0, ""); err != nil {
		t.Fatal(err)
	}
	closed := f.group(t, "Avsluttet", nil)
	if err := f.s.SetStatus(ctx, closed.ID, groups.StatusClosed, 0, ""); err != nil {
		t.Fatal(err)
	}
	if got, want := list(t, f.s, groups.Filter{TakesMembers: true}), []string{"Ledig", "Nesten full"}; !slices.Equal(got, want) {
		t.Errorf("taking members: %v, want %v", got, want)
	}
	all, _, err := f.s.List(ctx, groups.Filter{}, 25, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		members, left int
		availability  string
	}{
		"Ledig": {0, 3, groups.Places}, "Nesten full": {2, 1, groups.Places}, "Full": {2, 0, groups.Full},
		"Lukket": {0, 0, groups.NotTaking}, "Pause": {0, 0, groups.NotTaking}, "Avsluttet": {0, 0, groups.NotTaking},
	}
	for _, g := range all {
		w := want[g.Name]
		if g.Members != w.members || g.PlacesLeft() != w.left || g.Availability() != w.availability || g.TakesMembers() != (w.left > 0) {
			t.Errorf("%s: members %d, places left %d, %s; want %d, %d, %s", g.Name, g.Members, g.PlacesLeft(),
				g.Availability(), w.members, w.left, w.availability)
		}
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for i := range 30 {
		f.group(t, fmt.Sprintf("Gruppe %02d", i), nil)
	}
	first, total, err := f.s.List(ctx, groups.Filter{}, 25, 0)
	if err != nil {
		t.Fatal(err)
	}
	second, total2, err := f.s.List(ctx, groups.Filter{}, 25, 25)
	if err != nil {
		t.Fatal(err)
	}
	if total != 30 || total2 != 30 || len(first) != 25 || len(second) != 5 {
		t.Fatalf("pages of %d and %d rows, totals %d and %d", len(first), len(second), total, total2)
	}
	if first[0].Name != "Gruppe 00" || second[0].Name != "Gruppe 25" || second[4].Name != "Gruppe 29" {
		t.Errorf("pages start at %s and %s", first[0].Name, second[0].Name)
	}
	for _, g := range append(first, second...) {
		if len(g.Themes) != 1 || g.Themes[0].ID != f.angst.ID {
			t.Errorf("%s has themes %v", g.Name, g.Themes)
		}
	}
}

// countingDB counts the queries a store sends.
type countingDB struct {
	postgres.DBTX
	n int
}

func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n++
	return c.DBTX.Query(ctx, sql, args...)
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n++
	return c.DBTX.QueryRow(ctx, sql, args...)
}

// A page of groups costs two queries, for two groups or twenty-five, each with two themes:
// no query per group.
func TestListHasNoQueryPerGroup(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	queries := func() int {
		c := &countingDB{DBTX: f.db}
		got, _, err := groups.NewStore(c).List(ctx, groups.Filter{}, 25, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			if len(g.Themes) != 2 {
				t.Errorf("%s has %d themes, want 2", g.Name, len(g.Themes))
			}
		}
		return c.n
	}
	both := func(g *groups.Form) { g.Themes = []int64{f.angst.ID, f.sorg.ID} }
	for i := range 2 {
		f.group(t, "Liten "+strconv.Itoa(i), both)
	}
	few := queries()
	for i := range 28 {
		f.group(t, "Stor "+strconv.Itoa(i), both)
	}
	if many := queries(); few != 2 || many != 2 {
		t.Errorf("queries for a page of 2 groups: %d, of 25: %d; want 2 and 2", few, many)
	}
	c := &countingDB{DBTX: f.db}
	if _, err := groups.NewStore(c).Feed(ctx); err != nil || c.n != 2 {
		t.Errorf("feed of 30 groups: %d queries (%v), want 2", c.n, err)
	}
}

func TestPublishedGroupAndThemes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g := f.group(t, "Synlig", func(g *groups.Form) { g.Themes = []int64{f.sorg.ID, f.skjult.ID, f.angst.ID} })
	got, err := f.s.PublishedGroup(ctx, g.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, th := range got.Themes {
		slugs = append(slugs, th.Slug)
	}
	if !slices.Equal(slugs, []string{"angst-og-uro", "sorg-og-tap"}) {
		t.Errorf("public themes = %v: the hidden theme must not show", slugs)
	}
	if all, _ := f.s.Get(ctx, g.ID); len(all.Themes) != 3 {
		t.Errorf("staff see %d themes, want 3", len(all.Themes))
	}
	if got.StartsAt.String() != "18h0m0s" || got.EndsAt.String() != "19h30m0s" {
		t.Errorf("times %v–%v", got.StartsAt, got.EndsAt)
	}
	if err := f.s.SetPublished(ctx, g.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.PublishedGroup(ctx, g.Slug); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("unpublished group: %v, want ErrNotFound", err)
	}
	if _, err := f.s.Get(ctx, 999999); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("Get(missing) = %v", err)
	}
	if err := f.s.SetPublished(ctx, 999999, true); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("SetPublished(missing) = %v", err)
	}
	if _, err := f.s.PublishedTheme(ctx, f.skjult.Slug); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("hidden theme: %v", err)
	}
}

func TestCreateAndUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	org, err := orgs.NewStore(f.db).Create(ctx, "Foreningen", orgs.Voluntary)
	if err != nil {
		t.Fatal(err)
	}
	g := f.group(t, "Ærlig prat på Østkanten", func(g *groups.Form) {
		g.Format, g.Venue, g.Platform, g.OrgID = groups.FormatPartner, "Foreningens lokaler", "zoom", org.ID
	})
	if g.Slug != "aerlig-prat-pa-ostkanten" || g.Status != groups.StatusGathering || g.OrgName != "Foreningen" ||
		g.Venue != "Foreningens lokaler" || g.Platform != "" || g.Published {
		t.Errorf("created %+v", g)
	}
	form := groups.FormOf(g)
	form.Format, form.Themes, form.Slug = groups.FormatDigital, []int64{f.sorg.ID}, ""
	u, err := f.s.Update(ctx, g.ID, form)
	if err != nil {
		t.Fatal(err)
	}
	if u.Venue != "" || u.Format != groups.FormatDigital || len(u.Themes) != 1 || u.Themes[0].ID != f.sorg.ID ||
		u.Slug != "aerlig-prat-pa-ostkanten" {
		t.Errorf("updated %+v", u)
	}
	if _, err := f.s.Update(ctx, 999999, form); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("Update(missing) = %v", err)
	}
	// The same name again makes the same slug: a field error, not a server error.
	_, err = f.s.Create(ctx, form, 0)
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("slug") || errs[0].Msg != "groups.slug.taken" {
		t.Errorf("taken slug: %v", err)
	}
	form.Slug, form.OrgID = "annen-adresse", 999999
	_, err = f.s.Create(ctx, form, 0)
	if !errors.As(err, &errs) || !errs.Has("org") {
		t.Errorf("missing organisation: %v", err)
	}
	form.OrgID, form.Themes = 0, []int64{999999}
	_, err = f.s.Create(ctx, form, 0)
	if !errors.As(err, &errs) || !errs.Has("themes") {
		t.Errorf("missing theme: %v", err)
	}
}

func TestStatusHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	staff, err := auth.NewStore(f.db).Create(ctx, auth.NewUser{Email: "s@example.no", Name: "Siri Ansatt", Role: auth.Staff})
	if err != nil {
		t.Fatal(err)
	}
	g := f.group(t, "Gruppe", nil)
	if err := f.s.SetStatus(ctx, g.ID, groups.StatusStartup, staff.ID, "  Igangsetter er Kari.  "); err != nil {
		t.Fatal(err)
	}
	h, err := f.s.History(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Status != groups.StatusStartup || h[0].ChangedBy != "Siri Ansatt" || h[0].Note != "Igangsetter er Kari." ||
		h[1].Status != groups.StatusGathering || h[1].ChangedBy != "" {
		t.Errorf("history = %+v", h)
	}
	if got, _ := f.s.Get(ctx, g.ID); got.Status != groups.StatusStartup {
		t.Errorf("status = %s", got.Status)
	}
	var errs validate.Errors
	if err := f.s.SetStatus(ctx, g.ID, "borte", staff.ID, ""); !errors.As(err, &errs) || !errs.Has("status") {
		t.Errorf("unknown status: %v", err)
	}
	if err := f.s.SetStatus(ctx, 999999, groups.StatusClosed, staff.ID, ""); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("missing group: %v", err)
	}
	// A refused change leaves no line behind: history and status change together.
	if h2, _ := f.s.History(ctx, g.ID); len(h2) != 2 {
		t.Errorf("history has %d lines after refused changes", len(h2))
	}
}

func TestThemes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if f.angst.Slug != "angst-og-uro" || !f.angst.Published || f.skjult.Published {
		t.Errorf("themes %+v %+v", f.angst, f.skjult)
	}
	_, err := f.s.CreateTheme(ctx, groups.ThemeForm{NameNB: "Angst og uro", NameEN: "Anxiety"})
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("slug") {
		t.Errorf("taken theme slug: %v", err)
	}
	form := groups.ThemeFormOf(f.skjult)
	form.Published, form.DescriptionNB = true, "Nå synlig."
	th, err := f.s.UpdateTheme(ctx, f.skjult.ID, form)
	if err != nil || !th.Published || th.DescriptionNB != "Nå synlig." {
		t.Errorf("update theme: %+v, %v", th, err)
	}
	form.Slug = "sorg-og-tap"
	if _, err := f.s.UpdateTheme(ctx, f.skjult.ID, form); !errors.As(err, &errs) || !errs.Has("slug") {
		t.Errorf("update to a taken slug: %v", err)
	}
	if _, err := f.s.UpdateTheme(ctx, 999999, groups.ThemeFormOf(f.angst)); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("update missing theme: %v", err)
	}
	if _, err := f.s.GetTheme(ctx, 999999); !errors.Is(err, postgres.ErrNotFound) {
		t.Errorf("get missing theme: %v", err)
	}
	page, total, err := f.s.ListThemes(ctx, 2, 0)
	if err != nil || total != 3 || len(page) != 2 || page[0].Slug != "angst-og-uro" {
		t.Errorf("ListThemes = %v, %d, %v", page, total, err)
	}
	all, err := f.s.Themes(ctx)
	if err != nil || len(all) != 3 {
		t.Errorf("Themes = %v, %v", all, err)
	}
}
