package server

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// waiter is a sign-up for a theme (by its place in the case's themes), free at these times.
type waiter struct {
	theme int
	slots []string
}

// Must show (issue 22): the dashboard's "enough for a new group" and the matching page's
// proposals agree, on the same data, case by case. Counting the people waiting on a theme
// flags it in the cases where the matcher proposes nothing (no common time, a group takes
// them).
func TestDashboardReadyAgreesWithMatching(t *testing.T) {
	t.Parallel()
	tuesday := []string{"2-evening"}
	cases := []struct {
		name    string
		groupOn []int // an open group with places on Tuesday evening in each of these themes
		waiters []waiter
		want    []int // the themes ready for a new group
	}{
		{name: "nobody waits"},
		{name: "four share a time", waiters: []waiter{{0, tuesday}, {0, tuesday}, {0, tuesday}, {0, tuesday}}, want: []int{0}},
		{name: "three share a time", waiters: []waiter{{0, tuesday}, {0, tuesday}, {0, tuesday}}},
		{name: "four with no common time", waiters: []waiter{{0, []string{"1-evening"}}, {0, []string{"2-evening"}},
			{0, []string{"3-evening"}}, {0, []string{"4-evening"}}}},
		{name: "four a group takes", groupOn: []int{0}, waiters: []waiter{{0, tuesday}, {0, tuesday}, {0, tuesday}, {0, tuesday}}},
		{name: "one theme of two", groupOn: []int{1}, waiters: []waiter{{0, tuesday}, {1, tuesday}, {0, tuesday}, {1, tuesday},
			{0, tuesday}, {1, tuesday}, {0, tuesday}, {1, tuesday}, {1, []string{"5-morning"}}}, want: []int{0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, nil)
			p := app.people(t)
			fx := app.fixtures(t)
			themes := []int64{fx.Theme("Tema A").ID, fx.Theme("Tema B").ID}
			for _, th := range c.groupOn {
				fx.Group(fixture.InThemes(themes[th]), fixture.Places(8))
			}
			for _, w := range c.waiters {
				fx.SignUp(signups.Target{ThemeID: themes[w.theme]}, func(f *signups.Form) { f.Prefs.Availability = w.slots })
			}
			var want []int64
			for _, th := range c.want {
				want = append(want, themes[th])
			}
			staff := app.client(t).login(p.staff.Email)
			flagged, proposed := readyOnPages(staff)
			if !slices.Equal(flagged, proposed) || !slices.Equal(flagged, want) {
				t.Errorf("the dashboard flags themes %v, the matching page proposes %v; want %v", flagged, proposed, want)
			}
		})
	}
}

// Must show (issue 22): on the demo data the dashboard flags no theme the matching page has
// no proposal for (it flagged all twelve); four more people free on the same evening make
// one theme ready on both.
func TestDashboardReadyAgreesWithMatchingOnTheDemo(t *testing.T) {
	t.Parallel()
	app, p := newDemoApp(t)
	ctx := context.Background()
	staff := app.client(t).login(p.staff.Email)
	flagged, proposed := readyOnPages(staff)
	if !slices.Equal(flagged, proposed) {
		t.Errorf("on the demo data the dashboard flags themes %v, the matching page proposes %v", flagged, proposed)
	}
	var theme int64
	if err := app.db.QueryRow(ctx, `SELECT id FROM themes WHERE name_nb = 'Ensomhet'`).Scan(&theme); err != nil {
		t.Fatal(err)
	}
	fx := app.fixtures(t)
	for range 4 {
		fx.SignUp(signups.Target{ThemeID: theme}, func(f *signups.Form) { f.Prefs.Availability = []string{"6-morning"} })
	}
	flagged, proposed = readyOnPages(staff)
	if !slices.Equal(flagged, proposed) || !slices.Contains(flagged, theme) {
		t.Errorf("with four more on Ensomhet (%d) the dashboard flags %v, the matching page proposes %v", theme, flagged, proposed)
	}
}

var (
	themeOfRow      = regexp.MustCompile(`href="/admin/venteliste\?tema=(\d+)"`)
	themeOfProposal = regexp.MustCompile(`href="/admin/grupper/ny\?tema=(\d+)&`)
)

// readyOnPages reads the themes the dashboard flags "enough for a new group" and those the
// matching page proposes a new group for, each sorted and once.
func readyOnPages(staff *client) (flagged, proposed []int64) {
	_, body := staff.get("/admin")
	for row := range strings.SplitSeq(body, "<tr>") {
		if m := themeOfRow.FindStringSubmatch(row); m != nil && strings.Contains(row, `href="/admin/matching"`) {
			flagged = append(flagged, atoi64(m[1]))
		}
	}
	_, body = staff.get("/admin/matching")
	for _, m := range themeOfProposal.FindAllStringSubmatch(strings.ReplaceAll(body, "&amp;", "&"), -1) {
		proposed = append(proposed, atoi64(m[1]))
	}
	slices.Sort(flagged)
	slices.Sort(proposed)
	return slices.Compact(flagged), slices.Compact(proposed)
}

// atoi64 is the number the pattern matched.
func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
