package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// safeNext returns the path it was given or "/", and whatever it returns, a browser sent there
// (through http.Redirect, as the language switch does) stays on this site: no scheme, no host,
// no "//", "/\", tab or line break that a browser would read as the start of another host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/grupper?tema=sorg", "/", "", "//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
		"/%2F%2Fevil.example", "/.//evil.example", "/..//evil.example", "javascript:alert(1)", "/a\\b", "/\x00", "/\r\nLocation: //evil",
		"\\\\evil.example", "/ /evil.example", "/\u3000/evil", "/@evil.example", "/?next=//evil.example", "///evil.example"} {
		f.Add(s)
	}
	site, _ := url.Parse("https://selvhjelpshuset.example/sprak")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: neither the path nor /", next, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\") ||
			strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodPost, site.String(), nil), got, http.StatusSeeOther)
		loc := w.Header().Get("Location")
		u, err := url.Parse(loc)
		if err != nil {
			return // the browser cannot follow it either; it stays here
		}
		if to := site.ResolveReference(u); to.Scheme != site.Scheme || to.Host != site.Host || u.Host != "" || u.Scheme != "" {
			t.Errorf("safeNext(%q) = %q redirects to %q, off the site (%s)", next, got, loc, to)
		}
	})
}

// pageNumber reads ?side= as a page from 1 to maxPage, the number typed when it is one, so
// that offset never overflows or goes negative.
func FuzzPageNumber(f *testing.F) {
	for _, s := range []string{"1", "2", "0", "-1", "100000", "100001", "9223372036854775807", "9223372036854775808", "+3", "03", "1e3", "abc", "", "%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, side string) {
		r := httptest.NewRequest(http.MethodGet, "/admin/grupper", nil)
		r.URL.RawQuery = url.Values{"side": {side}}.Encode()
		page, off := pageNumber(r), offset(r)
		if page < 1 || page > maxPage || off != (page-1)*perPage || off < 0 {
			t.Fatalf("?side=%q: page %d, offset %d", side, page, off)
		}
		if n, err := strconv.Atoi(side); err == nil && n >= 1 && n <= maxPage && page != n {
			t.Errorf("?side=%q: page %d", side, page)
		}
	})
}

// formRequest is a POST of the form values.
func formRequest(v url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// A booking form that parseBooking accepts is a booking the bookings table takes — a title
// of 1–120 characters, a room, a holder with exactly its own id (bookings_holder), a standing
// agreement only for a group's repeating booking — and a series that expands to
// 1–MaxOccurrences meetings, each ending after it starts, starting on the day typed or later.
func FuzzParseBooking(f *testing.F) {
	f.Add("Angst tirsdag", "group", "2026-09-01", "18:00", "19:30", "weekly", "2026-12-15", "", "", "1", "2", "3")
	f.Add(" Kurs ", "org", "2026-03-29", "02:30", "03:00", "once", "2026-01-01", "", "stengt", "1", "0", "4")
	f.Add("Intern", "internal", "2026-03-22", "02:00", "03:30", "biweekly", "", "10", "", "1", "5", "6")
	f.Add("x", "group", "2026-01-05", "10:00", "11:00", "weekly", "", "99999999999999999999", "", "1", "-2", "0")
	f.Add(strings.Repeat("t", 121), "anyone", "2026-02-30", "18:0030", "24:00", "daily", "x", "-1", "", "0", "", "")
	f.Fuzz(func(t *testing.T, title, holder, date, start, end, frequency, until, count, override, room, group, org string) {
		r := formRequest(url.Values{"title": {title}, "holder": {holder}, "date": {date}, "start": {start}, "end": {end},
			"frequency": {frequency}, "until": {until}, "count": {count}, "override": {override}, "room": {room}, "group": {group}, "org": {org}})
		f, b, sr := parseBooking(r)
		if !f.Errors.OK() {
			return
		}
		if n := utf8.RuneCountInString(b.Title); n < 1 || n > 120 || b.Title != strings.TrimSpace(b.Title) || b.RoomID == 0 {
			t.Errorf("title %q, room %d accepted", b.Title, b.RoomID)
		}
		if (b.Holder == "group") != (b.GroupID != 0) || (b.Holder == "org") != (b.OrgID != 0) ||
			b.Holder != "group" && b.Holder != "org" && b.Holder != "internal" {
			t.Errorf("holder %q with group %d, org %d accepted", b.Holder, b.GroupID, b.OrgID)
		}
		if b.Standing != (b.Holder == "group" && b.Frequency != rooms.Once) || b.Frequency != sr.Frequency {
			t.Errorf("%+v: standing %v", b, b.Standing)
		}
		slots := sr.Slots()
		if len(slots) == 0 || len(slots) > rooms.MaxOccurrences {
			t.Fatalf("%+v: %d meetings", sr, len(slots))
		}
		first, _ := tz.ParseDate(strings.TrimSpace(date))
		for i, sl := range slots {
			if !sl.End.After(sl.Start) || sl.Start.Before(first) || i > 0 && sl.Start.Before(slots[i-1].End) {
				t.Errorf("%+v: meeting %d is %s–%s", sr, i, sl.Start, sl.End)
			}
		}
	})
}

// A room request that parseRoomRequest accepts fits booking_requests: a room, a title of at
// most 120 characters (none for a group's contact, whose group names the booking), a message
// of at most 1000, a first day from today on, an end after the start, a last day for a
// repeating request (booking_requests_slot), and meetings that expand as a booking's would.
func FuzzParseRoomRequest(f *testing.F) {
	f.Add("Kurs", "2026-11-10", "18:00", "20:00", "once", "", "Hei", "1", true)
	f.Add("", "2026-11-10", "18:00", "20:00", "weekly", "2027-01-10", "", "2", false)
	f.Add("x", "2026-10-31", "9.30", "9.15", "weekly", "", "", "0", true)
	f.Add("x", "2027-03-28", "02:30", "03:00", "biweekly", "2027-05-01", strings.Repeat("m", 1001), "-3", true)
	f.Add("x", "2026-11-10", "18:00", "20:00", "once", "2026-11-01", "", "3", true)
	f.Fuzz(func(t *testing.T, title, date, start, end, frequency, until, message, room string, needTitle bool) {
		today := time.Date(2026, 11, 1, 0, 0, 0, 0, tz.Oslo)
		r := formRequest(url.Values{"title": {title}, "date": {date}, "start": {start}, "end": {end}, "frequency": {frequency},
			"until": {until}, "message": {message}, "room": {room}})
		f, sr := parseRoomRequest(r, needTitle, today)
		if !f.Errors.OK() {
			return
		}
		if f.RoomID <= 0 || utf8.RuneCountInString(f.Title) > 120 || needTitle && f.Title == "" || !needTitle && f.Title != "" || utf8.RuneCountInString(f.Message) > 1000 {
			t.Errorf("%+v accepted", f)
		}
		if sr.First.Before(today) || sr.End <= sr.Start || sr.Frequency != rooms.Once && sr.Until.Before(sr.First) {
			t.Errorf("%+v accepted", sr)
		}
		if slots := sr.Slots(); len(slots) == 0 || len(slots) > rooms.MaxOccurrences {
			t.Errorf("%+v: %d meetings", sr, len(slots))
		}
	})
}
