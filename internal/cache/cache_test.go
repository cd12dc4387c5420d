package cache

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// watch starts a watcher on a fresh database and returns it with a channel of its events,
// once it is listening.
func watch(t *testing.T) (*Watcher, <-chan string, func(string)) {
	t.Helper()
	db := pgtest.New(t)
	w := NewWatcher(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	events := make(chan string, 100)
	w.hook = func(e string) { events <- e }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	expect := func(want string) {
		t.Helper()
		select {
		case e := <-events:
			if e != want {
				t.Fatalf("watcher event %q, want %q", e, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no watcher event %q within 10 s", want)
		}
	}
	expect("listening")
	exec := func(sql string) {
		t.Helper()
		if _, err := db.Exec(context.Background(), sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`SELECT 1`) // the pool is warm
	return w, events, func(sql string) { exec(sql) }
}

func TestMemoForgetsWhenATableChanges(t *testing.T) {
	t.Parallel()
	w, events, exec := watch(t)
	m := NewMemo[int](w, 0, 10, "themes")
	loads := 0
	load := func(context.Context) (int, error) { loads++; return loads, nil }
	get := func() int {
		t.Helper()
		v, err := m.Get(context.Background(), "k", load)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if a, b := get(), get(); a != 1 || b != 1 {
		t.Fatalf("second read loaded again: %d, %d", a, b)
	}
	// A change to a table the memo does not read leaves it alone. (SQL in these tests: the
	// triggers are under test, whoever writes.)
	exec(`INSERT INTO rooms (name, capacity) VALUES ('Annet rom', 4)`)
	if e := <-events; e != "rooms" {
		t.Fatalf("event %q, want rooms", e)
	}
	if v := get(); v != 1 {
		t.Fatalf("a change to rooms made the themes memo load again (%d)", v)
	}
	// One transaction of several statements is one notification.
	exec(`BEGIN; INSERT INTO themes (slug, name_nb, name_en) VALUES ('a', 'A', 'A'); UPDATE themes SET name_nb = 'B'; COMMIT`)
	if e := <-events; e != "themes" {
		t.Fatalf("event %q, want themes", e)
	}
	if v := get(); v != 2 {
		t.Fatalf("after a change to themes: %d, want a new load (2)", v)
	}
	// A rolled back change tells nothing.
	exec(`BEGIN; DELETE FROM themes; ROLLBACK; INSERT INTO rooms (name, capacity) VALUES ('Tredje rom', 4)`)
	if e := <-events; e != "rooms" {
		t.Fatalf("event %q after a rollback, want only rooms", e)
	}
	if v := get(); v != 2 {
		t.Fatalf("a rolled back change made the memo load again (%d)", v)
	}
}

func TestNothingIsCachedWhileTheListenerIsDown(t *testing.T) {
	t.Parallel()
	w, events, exec := watch(t)
	m := NewMemo[int](w, 0, 10, "themes")
	loads := 0
	load := func(context.Context) (int, error) { loads++; return loads, nil }
	if _, err := m.Get(context.Background(), "k", load); err != nil {
		t.Fatal(err)
	}
	// Changes made while the connection is gone are missed: caching stops, and what was
	// cached is forgotten when the watcher listens again.
	// Only this test's database: the watchers of tests running beside it keep listening.
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ` + Channel + `' AND datname = current_database()`)
	if e := <-events; e != "stopped" {
		t.Fatalf("event %q, want stopped", e)
	}
	if _, ok := w.Stamp("themes"); ok {
		t.Fatal("a stamp while not listening")
	}
	a, _ := m.Get(context.Background(), "k", load)
	b, _ := m.Get(context.Background(), "k", load)
	if a == b {
		t.Fatalf("cached while not listening: %d, %d", a, b)
	}
	if e := <-events; e != "listening" {
		t.Fatalf("event %q, want listening again", e)
	}
	c, _ := m.Get(context.Background(), "k", load)
	d, _ := m.Get(context.Background(), "k", load)
	if c == b || c != d {
		t.Fatalf("after reconnecting: %d then %d (before: %d); want a new load, then the cached one", c, d, b)
	}
}

func TestMemoLimits(t *testing.T) {
	t.Parallel()
	w, _, _ := watch(t)
	m := NewMemo[string](w, time.Hour, 3, "themes")
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		if _, err := m.Get(context.Background(), k, func(context.Context) (string, error) { return k, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(m.m) > 3 {
		t.Fatalf("%d entries, want at most 3", len(m.m))
	}
	boom := errors.New("boom")
	if _, err := m.Get(context.Background(), "x", func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if _, ok := m.m["x"]; ok {
		t.Fatal("a failed load was remembered")
	}
	expired := NewMemo[int](w, time.Nanosecond, 3, "themes")
	n := 0
	for range 2 {
		_, _ = expired.Get(context.Background(), "k", func(context.Context) (int, error) { n++; return n, nil })
	}
	if n != 2 {
		t.Fatalf("an expired entry was served (%d loads)", n)
	}
	var none *Watcher
	if _, ok := none.Stamp("themes"); ok {
		t.Fatal("a nil watcher gave a stamp")
	}
}

func TestWaitForAChange(t *testing.T) {
	t.Parallel()
	w, _, exec := watch(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Wait(ctx, Stamp{}, "groups"); err != nil {
		t.Fatalf("waiting for the listener: %v", err)
	}
	before, _ := w.Stamp("groups")
	exec(`INSERT INTO themes (slug, name_nb, name_en) VALUES ('w', 'W', 'W')`)
	exec(`UPDATE groups SET name = name`)
	if err := w.Wait(ctx, before, "groups"); err != nil {
		t.Fatalf("no change to groups seen: %v", err)
	}
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	after, _ := w.Stamp("groups")
	if err := w.Wait(short, after, "groups"); err == nil {
		t.Fatal("Wait returned without a change")
	}
}

// A rush of callers that miss at once costs one load; they all get its result.
func TestOneLoadForARush(t *testing.T) {
	t.Parallel()
	w, _, _ := watch(t)
	m := NewMemo[int](w, 0, 10, "themes")
	inLoad, release := make(chan struct{}), make(chan struct{})
	var loads atomic.Int32
	load := func(context.Context) (int, error) {
		if loads.Add(1) == 1 {
			close(inLoad)
		}
		<-release
		return 42, nil
	}
	const n = 50
	results := make(chan int, n)
	get := func() {
		v, _ := m.Get(context.Background(), "k", load)
		results <- v
	}
	go get()
	<-inLoad // the first caller is loading
	for range n - 1 {
		go get()
	}
	deadline := time.Now().Add(10 * time.Second)
	for m.waits.Load() < n-1 { // every other caller waits for that load
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s only %d of %d callers wait for the load under way", m.waits.Load(), n-1)
		}
		runtime.Gosched()
	}
	close(release)
	for range n {
		if v := <-results; v != 42 {
			t.Fatalf("a caller got %d", v)
		}
	}
	if got := loads.Load(); got != 1 {
		t.Fatalf("%d loads for one rush, want 1", got)
	}
}

// A memo tells the tables it was made with, and its caller cannot change them through it.
func TestMemoTables(t *testing.T) {
	t.Parallel()
	m := NewMemo[int](nil, 0, 1, "groups", "themes")
	got := m.Tables()
	if len(got) != 2 || got[0] != "groups" || got[1] != "themes" {
		t.Fatalf("Tables() = %v", got)
	}
	got[0] = "rooms"
	if m.Tables()[0] != "groups" {
		t.Fatal("changing the answer of Tables changed the memo")
	}
}
