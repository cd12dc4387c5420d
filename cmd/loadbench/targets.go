package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Page kinds, each with its goal ratio to the reference.
const (
	public = "public"
	staff  = "staff"
	write  = "booking"
	racing = "race"
)

// goal is the required ratio of our req/s to the reference's, per kind.
var goal = map[string]float64{public: 1.5, staff: 1.2, write: 0.8}

// target is one page measured on our app (ours) and on the reference (ref).
type target struct {
	Name, Kind, RefDesc string
	Ours, Ref           request
	OursOK, RefOK       func(int) bool
	Writes              bool // each run needs fresh slots and addresses (see nextFree)
}

func status(codes ...int) func(int) bool {
	return func(c int) bool {
		for _, w := range codes {
			if c == w {
				return true
			}
		}
		return false
	}
}

// fixture is what the targets need to know of the data: found or made once before the runs.
type fixture struct {
	App, RefPlain, RefSess   string // base URLs
	AppCookie, RefCookie     string // staff session cookies
	GroupSlug, ThemeSlug     string
	RoomIDs                  []int64
	WeekRoom                 int64
	Week                     string // a date in the week the grid shows
	FeedToken                string
	ReportYear               int
	OursFrom, RefFrom        time.Time // the first free day for unique bookings
	OursRaceDay, RefRaceDay  time.Time
	Run                      int64 // makes each run's bookings and sign-ups differ
	SignupIP                 string
	RefGroupsURL, RefListURL string
}

func get(u, cookie string) request {
	return func(int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		return req
	}
}

func post(u, cookie string, form func(i int64) url.Values, xff bool) request {
	return func(i int64) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form(i).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		if xff {
			// Every sign-up comes from its own client, as in a real rush: the per-IP limit
			// is not what is measured (the app trusts one proxy hop in the benchmark).
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		}
		return req
	}
}

// slot spreads unique one-hour slots over the rooms and the day from 07:00 to 22:00, day
// after day from first: the i-th request gets its own.
func slot(first time.Time, rooms int, i int64) (room int, start time.Time) {
	const perDay = 15
	n := int(i)
	room = n % rooms
	n /= rooms
	day := first.AddDate(0, 0, n/perDay)
	start = time.Date(day.Year(), day.Month(), day.Day(), 7+n%perDay, 0, 0, 0, day.Location())
	return room, start
}

// targets lists the pages of the issue in the order of the table.
func (f *fixture) targets() []target {
	ok := status(http.StatusOK)
	refGroups := get(f.RefPlain+"/groups", "")
	refStaff := get(f.RefSess+"/groups", f.RefCookie)
	refBook := post(f.RefSess+"/bookings", f.RefCookie, f.refBooking, false)
	oslo := f.OursFrom.Location()
	week := url.Values{"room_id": {"100"}, "from": {refListWeek.Format(time.RFC3339)}, "to": {refListWeek.AddDate(0, 0, 7).Format(time.RFC3339)}}
	refList := get(f.RefPlain+"/bookings?"+week.Encode(), "")
	return []target{
		{Name: "home", Kind: public, Ours: get(f.App+"/", ""), Ref: refGroups, RefDesc: "/groups", OursOK: ok, RefOK: ok},
		{Name: "catalogue", Kind: public, Ours: get(f.App+"/grupper", ""), Ref: refGroups, RefDesc: "/groups", OursOK: ok, RefOK: ok},
		{Name: "catalogue, filtered", Kind: public, Ours: get(f.App+"/grupper?tema="+url.QueryEscape(f.ThemeSlug)+"&dag=3&ledig=1", ""),
			Ref: refGroups, RefDesc: "/groups", OursOK: ok, RefOK: ok},
		{Name: "group page", Kind: public, Ours: get(f.App+"/grupper/"+f.GroupSlug, ""), Ref: refGroups, RefDesc: "/groups", OursOK: ok, RefOK: ok},
		{Name: "sign-up POST", Kind: public, Ours: post(f.App+"/grupper/"+f.GroupSlug+"/meld-pa", "", f.signup, true),
			Ref: post(f.RefPlain+"/bookings", "", f.refBooking, false), RefDesc: "POST /bookings", Writes: true,
			OursOK: status(http.StatusSeeOther), RefOK: status(http.StatusCreated)},
		{Name: "staff dashboard", Kind: staff, Ours: get(f.App+"/admin", f.AppCookie), Ref: refStaff, RefDesc: "/groups + session", OursOK: ok, RefOK: ok},
		{Name: "room week grid", Kind: staff, Ours: get(fmt.Sprintf("%s/admin/rom/%d?uke=%s", f.App, f.WeekRoom, f.Week), f.AppCookie),
			Ref: get(f.RefSess+"/bookings?"+week.Encode(), f.RefCookie), RefDesc: "/bookings list + session", OursOK: ok, RefOK: ok},
		{Name: "booking create", Kind: write, Ours: post(f.App+"/admin/bookinger/ny", f.AppCookie, f.booking, false), Ref: refBook,
			RefDesc: "POST /bookings + session, -lockroom", Writes: true, OursOK: status(http.StatusSeeOther), RefOK: status(http.StatusCreated)},
		{Name: "same-slot race", Kind: racing, Ours: post(f.App+"/admin/bookinger/ny", f.AppCookie, f.raceBooking(oslo), false),
			Ref: post(f.RefSess+"/bookings", f.RefCookie, f.refRace, false), RefDesc: "POST /bookings, one slot per burst", Writes: true,
			OursOK: status(http.StatusSeeOther), RefOK: status(http.StatusCreated)},
		{Name: "iCal feed", Kind: public, Ours: get(f.App+"/kalender/"+f.FeedToken, ""), Ref: refList, RefDesc: "/bookings list", OursOK: ok, RefOK: ok},
		{Name: "annual report", Kind: staff, Ours: get(fmt.Sprintf("%s/admin/rapport/%d", f.App, f.ReportYear), f.AppCookie), Ref: refStaff,
			RefDesc: "/groups + session", OursOK: ok, RefOK: ok},
	}
}

func (f *fixture) signup(i int64) url.Values {
	return url.Values{"first_name": {"Bench"}, "email": {fmt.Sprintf("bench-%d-%d@bench.test", f.Run, i)},
		"adult": {"on"}, "consent": {"on"}, "formats": {"house", "digital"}}
}

func (f *fixture) booking(i int64) url.Values {
	room, start := slot(f.OursFrom, len(f.RoomIDs), i)
	return bookingForm(f.RoomIDs[room], start, "Benchmark "+strconv.FormatInt(i, 10))
}

// raceBooking puts every request of burst b on the same hour of the same room.
func (f *fixture) raceBooking(oslo *time.Location) func(int64) url.Values {
	return func(b int64) url.Values {
		_, start := slot(f.OursRaceDay, 1, b)
		return bookingForm(f.RoomIDs[0], start.In(oslo), "Race "+strconv.FormatInt(b, 10))
	}
}

func bookingForm(room int64, start time.Time, title string) url.Values {
	return url.Values{"title": {title}, "holder": {"internal"}, "room": {strconv.FormatInt(room, 10)},
		"date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")}, "end": {start.Add(time.Hour).Format("15:04")},
		"frequency": {"once"}, "override": {"Benchmark"}}
}

func (f *fixture) refBooking(i int64) url.Values {
	room, start := slot(f.RefFrom, 100, i)
	return refForm(room+1, start)
}

func (f *fixture) refRace(b int64) url.Values {
	_, start := slot(f.RefRaceDay, 1, b)
	return refForm(1, start)
}

func refForm(room int, start time.Time) url.Values {
	return url.Values{"room_id": {strconv.Itoa(room)}, "start": {start.Format(time.RFC3339)},
		"end": {start.Add(time.Hour).Format(time.RFC3339)}, "booked_by": {"bench"}}
}
