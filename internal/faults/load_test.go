//go:build faults

package faults

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Kinds of request the load sends.
const (
	signupKind  = "sign-up"
	bookingKind = "booking"
)

// load sends anonymous sign-ups and staff bookings to one instance from several goroutines,
// each at a steady pace, and records every answer.
type load struct {
	base   string
	site   *site
	prefix string // of every e-mail address and booking title it makes
	pace   time.Duration
	n      atomic.Int64
	phase  atomic.Int32 // the test's phase when a request was sent, for the summary
	stopc  chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	stats map[string]*kindStats
}

// phaseNames name the phases in the summary.
var phaseNames = [...]string{phaseBefore: "before", phaseFault: "during", phaseAfter: "after"}

// kindStats are the answers to one kind of request.
type kindStats struct {
	sent        int
	codes       map[string]int // "phase:status" or "phase:no-answer"
	ok          []string       // e-mails or titles whose request got a success answer
	unavailable int            // 503s
	bare503     int            // 503s that were not the friendly page
	errors      int            // no answer (connection refused or reset)
	lastErr     error
	unexpected  []string // a few answers that are neither success nor 503
	// failedBefore counts requests sent and answered before the fault, without success.
	failedBefore int
}

func newLoad(base string, s *site, prefix string) *load {
	return &load{base: base, site: s, prefix: prefix, pace: 100 * time.Millisecond, stopc: make(chan struct{}),
		stats: map[string]*kindStats{signupKind: {codes: map[string]int{}}, bookingKind: {codes: map[string]int{}}}}
}

// start runs signupWorkers goroutines that sign up and one booking goroutine per session.
func (l *load) start(signupWorkers int, sessions ...*http.Cookie) {
	for range signupWorkers {
		l.wg.Go(func() { l.loop(l.signup) })
	}
	for _, c := range sessions {
		l.wg.Go(func() { l.loop(func() { l.booking(c) }) })
	}
}

func (l *load) loop(send func()) {
	tick := time.NewTicker(l.pace)
	defer tick.Stop()
	for {
		select {
		case <-l.stopc:
			return
		case <-tick.C:
			send()
		}
	}
}

// stop ends the load and waits for the requests on their way.
func (l *load) stop() {
	select {
	case <-l.stopc:
	default:
		close(l.stopc)
	}
	l.wg.Wait()
}

// signup signs up a new address to the group, from a new client address: the request and
// the mail asking its owner to confirm it.
func (l *load) signup() {
	n := l.n.Add(1)
	email := fmt.Sprintf("%s-%d@example.org", l.prefix, n)
	form := url.Values{"first_name": {"Kari"}, "email": {email}, "formats": {"house"}, "adult": {"on"},
		"consent": {"on"}, "source": {"web"}}
	phase := l.phase.Load()
	r, err := do("POST", l.base+"/grupper/"+l.site.slug+"/meld-pa", form, http.Header{"X-Forwarded-For": {clientIP(n)}})
	l.record(signupKind, phase, email, r, err, r.status == http.StatusSeeOther && r.location == "/sjekk-epost")
}

// booking books a weekly slot of two meetings that no other booking of the load touches.
func (l *load) booking(session *http.Cookie) {
	n := l.n.Add(1)
	title := fmt.Sprintf("%s-%d", l.prefix, n)
	rooms := l.site.rooms
	k := int(n) / len(rooms)
	// Days 14j+w, w < 7: the meetings a week apart never meet another booking's.
	day := time.Date(2031, 1, 6, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 14*(k/7)+k%7)
	form := url.Values{"room": {strconv.FormatInt(rooms[int(n)%len(rooms)], 10)}, "title": {title}, "holder": {"internal"},
		"date": {day.Format(time.DateOnly)}, "start": {"10:00"}, "end": {"11:00"}, "frequency": {"weekly"}, "count": {"2"},
		"override": {"fault test"}}
	phase := l.phase.Load()
	r, err := do("POST", l.base+"/admin/bookinger/ny", form, http.Header{"Cookie": {session.String()}, "X-Forwarded-For": {clientIP(n)}})
	ok := r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/admin/bookinger/")
	if ok {
		_, err := strconv.ParseInt(strings.TrimPrefix(r.location, "/admin/bookinger/"), 10, 64)
		ok = err == nil
	}
	l.record(bookingKind, phase, title, r, err, ok)
}

// clientIP is a private address of request n's own, as a proxy would pass it on.
func clientIP(n int64) string {
	return fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
}

// record counts an answer; phase is the test's phase when the request was sent.
func (l *load) record(kind string, phase int32, key string, r reply, err error, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats[kind]
	s.sent++
	if !ok && phase == phaseBefore && l.phase.Load() == phaseBefore {
		s.failedBefore++
	}
	switch {
	case err != nil:
		s.errors++
		s.lastErr = err
		s.codes[phaseNames[phase]+":no-answer"]++
		return
	case ok:
		s.ok = append(s.ok, key)
	case r.status == http.StatusServiceUnavailable:
		s.unavailable++
		if !r.friendlyUnavailable {
			s.bare503++
		}
	default:
		if len(s.unexpected) < 3 {
			s.unexpected = append(s.unexpected, fmt.Sprintf("%d %s: %s", r.status, r.location, tail(r.body, 300)))
		}
	}
	s.codes[fmt.Sprintf("%s:%d", phaseNames[phase], r.status)]++
}

// snapshot copies the stats of kind.
func (l *load) snapshot(kind string) kindStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := *l.stats[kind]
	s.ok = slices.Clone(s.ok)
	s.codes = make(map[string]int, len(l.stats[kind].codes))
	for k, v := range l.stats[kind].codes {
		s.codes[k] = v
	}
	return s
}

// okCount is how many requests of kind have succeeded so far.
func (l *load) okCount(kind string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.stats[kind].ok)
}

func (l *load) unavailableCount(kind string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats[kind].unavailable
}

// summary is one line per kind for the log.
func (s kindStats) summary(kind string) string {
	keys := make([]string, 0, len(s.codes))
	for k := range s.codes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, s.codes[k]))
	}
	return fmt.Sprintf("%-8s sent %4d, succeeded %4d, 503 %4d (bare %d), no answer %d; answers by phase: %s",
		kind, s.sent, len(s.ok), s.unavailable, s.bare503, s.errors, strings.Join(parts, " "))
}

// checkAnswers fails t for answers that are neither a success nor the friendly 503 page.
func (s kindStats) checkAnswers(t *testing.T, kind string, allowErrors bool) {
	t.Helper()
	if len(s.unexpected) > 0 {
		t.Errorf("%s: answers other than success or 503: %q", kind, s.unexpected)
	}
	if s.bare503 > 0 {
		t.Errorf("%s: %d answers 503 without the friendly page", kind, s.bare503)
	}
	if s.failedBefore > 0 {
		t.Errorf("%s: %d requests failed before the fault", kind, s.failedBefore)
	}
	if s.errors > 0 && !allowErrors {
		t.Errorf("%s: %d requests got no answer (last: %v): the instance must keep serving", kind, s.errors, s.lastErr)
	}
}
