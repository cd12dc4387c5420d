package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/cache"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// How the tables a loader reads are found: every statement it sends is caught by a pgx tracer
// (the loader's context carries the log it goes to), and afterwards explained with the same
// arguments. The plan names every table scanned, those behind views, in subqueries and in
// CTEs included, and it does not depend on timing, as the statistics views would (they are
// flushed asynchronously). The loaders call no SQL function that reads tables (which a plan
// would not show); the migrations define none.

// sentQuery is one statement a loader sent, with its arguments.
type sentQuery struct {
	sql  string
	args []any
}

// readLog keeps the statements sent on a context that carries it.
type readLog struct {
	mu   sync.Mutex
	sent []sentQuery
}

type readLogKey struct{}

// logRead adds a statement to the readLog of ctx, if it carries one.
func logRead(ctx context.Context, sql string, args []any) {
	if l, ok := ctx.Value(readLogKey{}).(*readLog); ok {
		l.mu.Lock()
		l.sent = append(l.sent, sentQuery{sql, args})
		l.mu.Unlock()
	}
}

// readTracer hands each statement to the readLog of its context; the statements of contexts
// without one (the set-up, the EXPLAINs) pass unseen.
type readTracer struct{}

func (readTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	logRead(ctx, d.SQL, d.Args)
	return ctx
}

func (readTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (readTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (readTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	logRead(ctx, d.SQL, d.Args)
}

func (readTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (readTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	logRead(ctx, "COPY "+d.TableName.Sanitize(), nil) // not a read: tablesRead refuses it
	return ctx
}

func (readTracer) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

var _ interface {
	pgx.QueryTracer
	pgx.BatchTracer
	pgx.CopyFromTracer
} = readTracer{}

// reading runs load on a context whose statements are logged, and returns them.
func reading(load func(context.Context) error) ([]sentQuery, error) {
	l := &readLog{}
	err := load(context.WithValue(context.Background(), readLogKey{}, l))
	return l.sent, err
}

// tablesRead returns the tables the statements read, sorted, by EXPLAIN of each with its
// arguments. A statement that is not a query is an error: a loader only reads.
func tablesRead(ctx context.Context, db *pgxpool.Pool, sent []sentQuery) ([]string, error) {
	var tables []string
	for _, q := range sent {
		head := strings.ToUpper(strings.TrimSpace(q.sql))
		if !strings.HasPrefix(head, "SELECT") && !strings.HasPrefix(head, "WITH") {
			return nil, fmt.Errorf("a loader sent a statement that is not a query: %.80s", q.sql)
		}
		var plan []byte
		if err := db.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+q.sql, q.args...).Scan(&plan); err != nil {
			return nil, fmt.Errorf("EXPLAIN %.80s: %w", q.sql, err)
		}
		var tree any
		if err := json.Unmarshal(plan, &tree); err != nil {
			return nil, err
		}
		tables = append(tables, relations(tree)...)
	}
	slices.Sort(tables)
	return slices.Compact(tables), nil
}

// relations returns every "Relation Name" in a JSON plan, at any depth.
func relations(node any) []string {
	var out []string
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if name, ok := v.(string); ok && k == "Relation Name" {
				out = append(out, name)
			} else {
				out = append(out, relations(v)...)
			}
		}
	case []any:
		for _, v := range n {
			out = append(out, relations(v)...)
		}
	}
	return out
}

// watchedTables are the tables with a trigger that sends table_changed after every INSERT,
// UPDATE, DELETE and TRUNCATE statement.
func watchedTables(t *testing.T, db *pgxpool.Pool) []string {
	t.Helper()
	// tgtype: 1 row level, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead of.
	rows, err := db.Query(context.Background(), `SELECT c.relname FROM pg_trigger tg
		JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_proc p ON p.oid = tg.tgfoid
		WHERE NOT tg.tgisinternal AND tg.tgenabled <> 'D' AND tg.tgtype & (1 | 2 | 64) = 0
			AND tg.tgtype & (4 | 8 | 16 | 32) = (4 | 8 | 16 | 32)
			AND p.prosrc LIKE '%pg_notify(''' || $1 || '''%'
		ORDER BY 1`, cache.Channel)
	if err != nil {
		t.Fatal(err)
	}
	watched, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return watched
}

// checkMemo compares what a memo's loader read with the tables the memo is made with:
// undeclared are the tables read but not declared (a change to them would leave the memo
// stale), unwatched the tables declared but without a table_changed trigger (a change to them
// is never told).
func checkMemo(read, declared, watched []string) (undeclared, unwatched []string) {
	return notIn(read, declared), notIn(declared, watched)
}

// notIn returns the tables of list that are not in set.
func notIn(list, set []string) []string {
	var out []string
	for _, table := range list {
		if !slices.Contains(set, table) {
			out = append(out, table)
		}
	}
	return out
}

// memoCase is one memo of the server: the tables it is made with, and calls that make its
// loader run on representative keys.
type memoCase struct {
	name   string // the memo's field in memos
	tables []string
	load   func(context.Context) error
}

// memoCases are the server's memos. A memo made around another (the dashboard around the
// waiting list, the rendered report around the report) reads what both read: without a
// watcher nothing comes from memory.
func memoCases(s *Server, f queryCountFixture) []memoCase {
	m := s.memo
	// Every filter of the catalogue adds its own condition; the theme and the free places read
	// other tables. A room's feed and a group's read differently.
	filters := []groups.Filter{{}, {Theme: "sorg", Format: groups.FormatHouse, Weekday: 3, DayPart: groups.Evening, TakesMembers: true}}
	return []memoCase{
		{"themes", m.themes.Tables(), inBothLangs(func(ctx context.Context) error { return errOf(s.publishedThemes(ctx)) })},
		{"catalogue", m.catalogue.Tables(), func(ctx context.Context) error {
			for _, filter := range filters {
				if _, _, err := s.publishedGroups(ctx, filter, 20, 0); err != nil {
					return err
				}
			}
			return nil
		}},
		{"group", m.group.Tables(), func(ctx context.Context) error { return errOf(s.publishedGroup(ctx, f.signupGroup)) }},
		{"feed", m.feed.Tables(), func(ctx context.Context) error {
			return errors.Join(errOf(s.calendar(ctx, f.roomFeed)), errOf(s.calendar(ctx, f.groupFeed)))
		}},
		{"twoFactor", m.twoFactor.Tables(), func(ctx context.Context) error { return errOf(s.requireTwoFactor(ctx)) }},
		{"centre", m.centre.Tables(), func(ctx context.Context) error { return errOf(s.centreContact(ctx)) }},
		{"waiting", m.waiting.Tables(), func(ctx context.Context) error { return errOf(s.dashboardWaiting(ctx)) }},
		{"dashboard", m.dashboard.Tables(), func(ctx context.Context) error { return errOf(s.staffDashboard(ctx)) }},
		{"week", m.week.Tables(), func(ctx context.Context) error { return errOf(s.roomWeekView(ctx, f.roomID, f.today)) }},
		{"report", m.report.Tables(), inBothLangs(func(ctx context.Context) error { return errOf(s.annualReport(ctx, f.reportYear)) })},
		{"reportDoc", m.reportDoc.Tables(), func(ctx context.Context) error { return errOf(s.annualReportHTML(ctx, f.reportYear)) }},
		{"closures", m.closures.Tables(), func(ctx context.Context) error { return errOf(s.closedPeriods(ctx, 0)) }},
		{"next", m.next.Tables(), func(ctx context.Context) error { _, _, err := s.nextGroupMeeting(ctx, 1); return err }},
	}
}

// errOf is the error of a read, without its value.
func errOf[V any](_ V, err error) error { return err }

// inBothLangs makes read run in Norwegian and in English.
func inBothLangs(read func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		return errors.Join(read(i18n.WithLang(ctx, i18n.NB)), read(i18n.WithLang(ctx, i18n.EN)))
	}
}

// Must show (issue 17): every memo is made with the tables its loader reads, and each of them
// tells the instances when it changes.
func TestMemosDeclareTheTablesTheyRead(t *testing.T) {
	t.Parallel()
	app := newTracedApp(t, readTracer{})
	ctx := context.Background()
	app.people(t)
	if _, err := demo.Seed(ctx, app.db); err != nil {
		t.Fatal(err)
	}
	f := app.queryCountFixture(t)
	watched := watchedTables(t, app.db)
	cases := memoCases(app.srv, f)

	// A new memo needs a case, or it would go unchecked.
	fields := reflect.TypeFor[memos]()
	for i := range fields.NumField() {
		name := fields.Field(i).Name
		if !slices.ContainsFunc(cases, func(c memoCase) bool { return c.name == name }) {
			t.Errorf("the memo %s has no case in memoCases: its tables go unchecked", name)
		}
	}
	for _, c := range cases {
		sent, err := reading(c.load)
		if err != nil {
			t.Fatalf("%s: the loader failed: %v", c.name, err)
		}
		read, err := tablesRead(ctx, app.db, sent)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(read) == 0 {
			t.Fatalf("%s: the loader read no table (%d statements): the tracer saw nothing", c.name, len(sent))
		}
		t.Logf("%-9s reads %2d tables %v; declared but not read here: %v", c.name, len(read), read, notIn(c.tables, read))
		undeclared, unwatched := checkMemo(read, c.tables, watched)
		if len(undeclared) > 0 {
			t.Errorf("%s reads %v, which its memo is not made with: a change there leaves it stale. Add them to its list of tables.", c.name, undeclared)
		}
		if len(unwatched) > 0 {
			t.Errorf("%s depends on %v, which no table_changed trigger watches: add one in a migration (see 00015).", c.name, unwatched)
		}
		if len(undeclared) == 0 && len(unwatched) == 0 {
			checkFailsWithout(t, c, read, watched)
		}
	}
}

// checkFailsWithout is the check's own negative case: with any table the loader read taken off
// a copy of the memo's list the check finds that table, and with that table's trigger gone
// (off a copy of the watched tables) it finds it too.
func checkFailsWithout(t *testing.T, c memoCase, read, watched []string) {
	t.Helper()
	for _, table := range read {
		fewer := slices.DeleteFunc(slices.Clone(c.tables), func(s string) bool { return s == table })
		if undeclared, _ := checkMemo(read, fewer, watched); !slices.Equal(undeclared, []string{table}) {
			t.Errorf("%s without %s: the check found %v undeclared, want [%s]", c.name, table, undeclared, table)
		}
		unheard := slices.DeleteFunc(slices.Clone(watched), func(s string) bool { return s == table })
		if _, unwatched := checkMemo(read, c.tables, unheard); !slices.Equal(unwatched, []string{table}) {
			t.Errorf("%s with %s unwatched: the check found %v, want [%s]", c.name, table, unwatched, table)
		}
	}
}
