package events

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

var kinds = []string{Intro, Coffee, Other, "party", ""}

// An event form that Validate accepts fits the events table: a kind, a trimmed title of
// 1–120 characters, a description of at most 4000, a start before the end on the chosen day
// at the typed local times (even the night summer time begins), a capacity of 1–500, a
// meeting link that starts with https:// (the table's check is case-sensitive) for a digital
// event and a room for one in the house. Validating again changes nothing.
func FuzzForm(f *testing.F) {
	f.Add(uint8(1), "Digitalt kaffetreff", "", "2026-11-20", "10:00", "11:00", "digital", "https://zoom.example/j/1", "20", int64(0), true, "")
	f.Add(uint8(0), "  Intro  ", "Velkommen", "2026-03-29", "02:30", "03:00", "house", "https://x", " 500 ", int64(4), false, "")
	f.Add(uint8(2), "Kveld", "", "2026-10-25", "02:15", "02:45", "house", "", "1", int64(1), true, "stengt")
	f.Add(uint8(1), "Lenke", "", "2026-11-20", "10:00", "11:00", "digital", "HTTPS://zoom.example/j/1", "20", int64(0), true, "")
	f.Add(uint8(1), "Lenke", "", "2026-11-20", "10:00", "11:00", "digital", "javascript:alert(1)", "20", int64(0), false, "")
	f.Add(uint8(1), "Lenke", "", "2026-11-20", "10:00", "11:00", "digital", "https:///sti", "0", int64(0), false, "")
	f.Add(uint8(3), strings.Repeat("t", 121), "", "1999-12-31", "24:00", "18:00", "", "", "x", int64(-1), false, strings.Repeat("o", 301))
	f.Fuzz(func(t *testing.T, kind uint8, title, desc, date, start, end, format, link, capacity string, room int64, published bool, override string) {
		in := Form{Kind: kinds[int(kind)%len(kinds)], Title: title, Description: desc, Date: date, Start: start, End: end, Format: format,
			MeetingLink: link, Capacity: capacity, RoomID: room, Published: published, Override: override}
		form := in
		errs := form.Validate()
		again := form
		if errs2 := again.Validate(); again != form || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if !errs.OK() {
			return
		}
		checkEvent(t, in, form)
	})
}

func checkEvent(t *testing.T, in, form Form) {
	t.Helper()
	text := func(field, v string, lo, hi int) {
		if n := utf8.RuneCountInString(v); n < lo || n > hi || strings.TrimSpace(v) != v {
			t.Errorf("%s %q accepted", field, v)
		}
	}
	text("title", form.Title, 1, 120)
	text("description", form.Description, 0, 4000)
	text("override", form.Override, 0, 300)
	if form.Kind != Intro && form.Kind != Coffee && form.Kind != Other {
		t.Errorf("kind %q accepted", form.Kind)
	}
	if !form.ends.After(form.starts) {
		t.Fatalf("%+v: starts %s, ends %s", in, form.starts, form.ends)
	}
	day, err := tz.ParseDate(form.Date)
	start, _ := tz.ParseClock(form.Start)
	if err != nil || !tz.Midnight(form.starts).Equal(day) {
		t.Errorf("%+v: starts %s, not on %s", in, form.starts, form.Date)
	}
	local := form.starts.In(tz.Oslo)
	if clock := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute; clock != start && clock != start+time.Hour {
		t.Errorf("%+v: starts at %s local", in, local)
	}
	if n, err := strconv.Atoi(form.Capacity); err != nil || n < 1 || n > 500 || n != form.capacity {
		t.Errorf("capacity %q accepted", form.Capacity)
	}
	switch form.Format {
	case Digital:
		u, err := url.Parse(form.MeetingLink)
		if form.MeetingLink != "" && (!strings.HasPrefix(form.MeetingLink, "https://") || err != nil || u.Host == "") || form.RoomID != 0 {
			t.Errorf("digital with link %q, room %d accepted", form.MeetingLink, form.RoomID)
		}
		if form.Published && form.MeetingLink == "" {
			t.Error("a published digital event without a link accepted")
		}
	case House:
		if form.RoomID <= 0 || form.MeetingLink != "" {
			t.Errorf("in the house with room %d, link %q accepted", form.RoomID, form.MeetingLink)
		}
	default:
		t.Errorf("format %q accepted", form.Format)
	}
}

// A sign-up for an event that Validate accepts has a trimmed first name of 1–60 characters,
// an address the event_signups table takes, and both boxes ticked; validating again changes
// nothing.
func FuzzSignupForm(f *testing.F) {
	f.Add("Kari", "kari@example.no", true, true)
	f.Add("  ", " kari@example.no ", true, false)
	f.Add(strings.Repeat("é", 61), "kari@", false, true)
	f.Add("Per", "Per <per@example.no>", true, true)
	f.Fuzz(func(t *testing.T, name, email string, adult, consent bool) {
		form := SignupForm{FirstName: name, Email: email, Adult: adult, Consent: consent}
		errs := form.Validate()
		again := form
		if errs2 := again.Validate(); again != form || fmt.Sprint(errs2) != fmt.Sprint(errs) {
			t.Errorf("validating again: %+v, %v; first %+v, %v", again, errs2, form, errs)
		}
		if errs.Has("adult") == adult || errs.Has("consent") == consent {
			t.Errorf("boxes %v %v: %v", adult, consent, errs)
		}
		if !errs.OK() {
			return
		}
		if n := utf8.RuneCountInString(form.FirstName); n < 1 || n > 60 || strings.TrimSpace(form.FirstName) != form.FirstName {
			t.Errorf("first name %q accepted", form.FirstName)
		}
		if !validate.Email(form.Email) || len(form.Email) < 3 {
			t.Errorf("address %q accepted", form.Email)
		}
	})
}
