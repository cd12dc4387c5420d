package server

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/cache"
	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/dashboard"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/report"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The public pages anyone may hit in a rush — home, catalogue, group pages and calendar feeds —
// and the house rule every staff request checks read through memos that forget a result when a table it was read from changes (see
// internal/cache). Without a watcher (tests, unless they set one) every read goes to the
// database.
//
// Each memo is made with the tables its loader reads, declared by the feature beside its
// queries (groups.CatalogueTables, rooms.WeekTables and FeedTables, auth.SettingsTables,
// centre.Tables, dashboard.Tables and WaitingTables, signups.PoolTables, report.Tables).
// TestMemosDeclareTheTablesTheyRead runs every loader and fails when one reads a table that is
// not in its memo's list, or that no table_changed trigger watches.

type memos struct {
	themes    *cache.Memo[[]groups.Theme]
	catalogue *cache.Memo[groupsPage]
	group     *cache.Memo[groups.Group]
	feed      *cache.Memo[[]byte]
	twoFactor *cache.Memo[bool]           // the house rule, read on every staff request
	centre    *cache.Memo[centre.Contact] // the footer of every page
	waiting   *cache.Memo[dashboard.Waiting]
	dashboard *cache.Memo[dashboard.Dashboard]
	week      *cache.Memo[pages.WeekPage] // a room's week: staff look at the same few weeks
	report    *cache.Memo[report.Report]
	reportDoc *cache.Memo[string]          // the report rendered: some 300 kB of tables and charts
	closures  *cache.Memo[[]rooms.Closure] // the closures of the weeks ahead, on every group page
	next      *cache.Memo[nextMeeting]     // a group's next meeting and its room, on its page
}

// nextMeeting is what NextGroupMeeting found: the meeting, or none.
type nextMeeting struct {
	meeting rooms.NextMeeting
	ok      bool
}

type groupsPage struct {
	list  []groups.Group
	total int
}

// SetCache makes the public pages read through memos kept fresh by w, which must be running.
func (s *Server) SetCache(w *cache.Watcher) {
	s.memo = newMemos(w)
}

func newMemos(w *cache.Watcher) *memos {
	return &memos{
		themes: cache.NewMemo[[]groups.Theme](w, 0, 4, groups.CatalogueTables()...),
		// Bounded so that made-up URLs cannot fill the memory: a page of the catalogue is
		// some 25 kB, a group some 2 kB, a feed up to a few hundred kB.
		catalogue: cache.NewMemo[groupsPage](w, 0, 200, groups.CatalogueTables()...),
		group:     cache.NewMemo[groups.Group](w, 0, 1000, groups.CatalogueTables()...),
		// A feed covers a window around now and carries its time of making: a minute at most.
		// A group without bookings has its schedule's meetings (scheduleFeed): the catalogue's
		// tables and the closures too.
		feed:      cache.NewMemo[[]byte](w, time.Minute, 32, union(rooms.FeedTables(), groups.CatalogueTables(), []string{"closures"})...),
		twoFactor: cache.NewMemo[bool](w, 0, 1, auth.SettingsTables()...),
		centre:    cache.NewMemo[centre.Contact](w, 0, 1, centre.Tables()...),
		week:      cache.NewMemo[pages.WeekPage](w, 0, 200, rooms.WeekTables()...),
		waiting:   cache.NewMemo[dashboard.Waiting](w, 0, 1, dashboard.WaitingTables()...),
		// What is overdue or late depends on the clock as well: a minute at most. The dashboard
		// is made around the waiting list and the matcher's run over the pool, so it is stale
		// when either is.
		dashboard: cache.NewMemo[dashboard.Dashboard](w, time.Minute, 1, union(dashboard.Tables(), dashboard.WaitingTables(), signups.PoolTables())...),
		// The current year's report counts events that have ended by now: a minute at most.
		report:    cache.NewMemo[report.Report](w, time.Minute, 8, report.Tables()...),
		reportDoc: cache.NewMemo[string](w, time.Minute, 8, report.Tables()...),
		closures:  cache.NewMemo[[]rooms.Closure](w, 0, 4, rooms.ClosureTables()...),
		// The next meeting is the next one not yet begun: a minute at most.
		next: cache.NewMemo[nextMeeting](w, time.Minute, 1000, rooms.WeekTables()...),
	}
}

func (s *Server) publishedThemes(ctx context.Context) ([]groups.Theme, error) {
	lang := i18n.LangOf(ctx)
	return s.memo.themes.Get(ctx, string(lang), func(ctx context.Context) ([]groups.Theme, error) {
		return groups.NewStore(s.db).PublishedThemes(ctx, lang)
	})
}

func (s *Server) publishedGroups(ctx context.Context, f groups.Filter, limit, offset int) ([]groups.Group, int, error) {
	f.Normalise()
	if len(f.Theme) > 100 { // no theme has such a slug: not worth a place in the memo
		return groups.NewStore(s.db).List(ctx, f, limit, offset)
	}
	key := fmt.Sprintf("%#v/%d/%d", f, limit, offset)
	p, err := s.memo.catalogue.Get(ctx, key, func(ctx context.Context) (groupsPage, error) {
		list, total, err := groups.NewStore(s.db).List(ctx, f, limit, offset)
		return groupsPage{list, total}, err
	})
	return p.list, p.total, err
}

func (s *Server) publishedGroup(ctx context.Context, slug string) (groups.Group, error) {
	return s.memo.group.Get(ctx, slug, func(ctx context.Context) (groups.Group, error) {
		return groups.NewStore(s.db).PublishedGroup(ctx, slug)
	})
}

// requireTwoFactor reports whether admins require a second factor of all staff.
func (s *Server) requireTwoFactor(ctx context.Context) (bool, error) {
	return s.memo.twoFactor.Get(ctx, "", auth.NewStore(s.db).RequireTwoFactor)
}

// centreContact is the centre's contact details for a page's footer.
func (s *Server) centreContact(ctx context.Context) (centre.Contact, error) {
	return s.memo.centre.Get(ctx, "", func(ctx context.Context) (centre.Contact, error) {
		return centre.Read(ctx, s.db)
	})
}

// roomWeekView is a room's meetings in the week from monday, or rooms.ErrNotFound.
func (s *Server) roomWeekView(ctx context.Context, id int64, monday time.Time) (pages.WeekPage, error) {
	key := strconv.FormatInt(id, 10) + "/" + monday.Format(time.DateOnly)
	return s.memo.week.Get(ctx, key, func(ctx context.Context) (pages.WeekPage, error) {
		store := s.rooms()
		room, err := store.Room(ctx, id)
		if err != nil {
			return pages.WeekPage{}, err
		}
		list, err := store.Between(ctx, id, monday, monday.AddDate(0, 0, 7))
		if err != nil {
			return pages.WeekPage{}, err
		}
		closed, err := store.ClosedDaysBetween(ctx, monday, monday.AddDate(0, 0, 6))
		return pages.WeekPage{Room: room, Monday: monday, Occurrences: list, Closed: closed}, err
	})
}

// closedAhead is how far ahead visitors, partners and contact persons are told of the days the
// house is closed.
const closedAhead = 8 * 7 // days

// closedPeriods lists the closures and public holidays from today to closedAhead days on,
// on weekday (ISO; 0 for every day).
func (s *Server) closedPeriods(ctx context.Context, weekday int) ([]rooms.ClosedPeriod, error) {
	today := tz.Midnight(s.now())
	last := today.AddDate(0, 0, closedAhead)
	list, err := s.memo.closures.Get(ctx, today.Format(time.DateOnly), func(ctx context.Context) ([]rooms.Closure, error) {
		return s.rooms().ClosuresBetween(ctx, today, last)
	})
	if err != nil {
		return nil, err
	}
	return rooms.ClosedPeriods(list, today, last, weekday), nil
}

// nextGroupMeeting is the group's next meeting in the house with its room (rooms.NextGroupMeeting),
// or takes it from memory; false when none is booked.
func (s *Server) nextGroupMeeting(ctx context.Context, groupID int64) (rooms.NextMeeting, bool, error) {
	n, err := s.memo.next.Get(ctx, strconv.FormatInt(groupID, 10), func(ctx context.Context) (nextMeeting, error) {
		m, ok, err := s.rooms().NextGroupMeeting(ctx, groupID, s.now())
		return nextMeeting{m, ok}, err
	})
	return n.meeting, n.ok, err
}

// dashboardWaiting reads the dashboard's waiting list, or takes it from memory.
func (s *Server) dashboardWaiting(ctx context.Context) (dashboard.Waiting, error) {
	return s.memo.waiting.Get(ctx, "", func(ctx context.Context) (dashboard.Waiting, error) {
		return dashboard.LoadWaiting(ctx, s.db)
	})
}

// staffDashboard gathers the dashboard at now, or takes it from memory.
func (s *Server) staffDashboard(ctx context.Context) (dashboard.Dashboard, error) {
	return s.memo.dashboard.Get(ctx, "", func(ctx context.Context) (dashboard.Dashboard, error) {
		waiting, err := s.dashboardWaiting(ctx)
		if err != nil {
			return dashboard.Dashboard{}, err
		}
		// "Enough for a new group" is what the matching page proposes: the same run.
		matched, _, err := s.signups().Match(ctx)
		if err != nil {
			return dashboard.Dashboard{}, err
		}
		return dashboard.Load(ctx, s.db, s.now(), waiting, matched.NewGroupThemes())
	})
}

// annualReport builds the report of year in the visitor's language, or takes it from memory.
func (s *Server) annualReport(ctx context.Context, year int) (report.Report, error) {
	lang := i18n.LangOf(ctx)
	return s.memo.report.Get(ctx, fmt.Sprintf("%d/%s", year, lang), func(ctx context.Context) (report.Report, error) {
		return report.Build(ctx, s.db, year, lang)
	})
}

// annualReportHTML is the report of year rendered in the visitor's language, without the
// page around it (which shows who is logged in). It links to the next year's report once
// that year has begun.
func (s *Server) annualReportHTML(ctx context.Context, year int) (string, error) {
	hasNext := year < s.now().Year()
	return s.memo.reportDoc.Get(ctx, fmt.Sprintf("%d/%s/%t", year, i18n.LangOf(ctx), hasNext), func(ctx context.Context) (string, error) {
		rep, err := s.annualReport(ctx, year)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		err = pages.Report(rep, hasNext).Render(ctx, &b)
		return b.String(), err
	})
}

// calendar renders the feed behind token: the bytes, or postgres.ErrNotFound.
func (s *Server) calendar(ctx context.Context, token string) ([]byte, error) {
	key := string(i18n.LangOf(ctx)) + "/" + token
	return s.memo.feed.Get(ctx, key, func(ctx context.Context) ([]byte, error) {
		store := s.rooms()
		kind, id, name, err := store.FeedTarget(ctx, token)
		if err != nil {
			return nil, err
		}
		now := s.now()
		events, err := store.FeedEvents(ctx, kind, id, now)
		if err != nil {
			return nil, err
		}
		c, err := centre.Read(ctx, s.db)
		if err != nil {
			return nil, err
		}
		if kind == rooms.FeedGroup && len(events) == 0 {
			return s.scheduleFeed(ctx, id, now)
		}
		var b bytes.Buffer
		err = rooms.WriteICal(&b, name, c.VisitingAddress(), s.cfg.BaseURL.Hostname(), events, now)
		return b.Bytes(), err
	})
}

// union is the tables of every list, each once, in the order first named.
func union(lists ...[]string) []string {
	var out []string
	for _, list := range lists {
		for _, t := range list {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}
