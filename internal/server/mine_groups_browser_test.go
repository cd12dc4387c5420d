package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Must show 6: the private page with groups passes axe-core, the console check and the 320 px
// check: a digital group with its link and a group in the house with a cancelled meeting;
// leaving is confirmed and answered kindly; the contact person's meeting link form too, in
// its error state.
func TestMyGroupsInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	staff := app.client(t).login(app.people(t).staff.Email)
	online := digitalGroup(t, app, staff, "Nettgruppa onsdag")
	fx := app.fixtures(t)
	house := fx.Group(fixture.Named("Husgruppa tirsdag"))
	room := fx.Room("Lindesalen", 12)
	tue := tz.Midnight(time.Now()).AddDate(0, 0, 1)
	for tz.Weekday(tue) != 2 {
		tue = tue.AddDate(0, 0, 1)
	}
	var slots []rooms.Slot
	for i := range 4 {
		d := tue.AddDate(0, 0, 7*i)
		slots = append(slots, rooms.Slot{Start: d.Add(18 * time.Hour), End: d.Add(19*time.Hour + 30*time.Minute)})
	}
	res := fx.Booking(room.ID, slots, func(b *rooms.Booking) { b.Holder, b.GroupID, b.Title = "group", house.ID, "Husgruppa" })
	meetings, err := rooms.NewStore(app.db, nil).GroupMeetings(t.Context(), house.ID, time.Now(), 1)
	if err != nil || len(meetings) != 1 {
		t.Fatalf("meetings: %v %v", meetings, err)
	}
	if _, err := rooms.NewStore(app.db, nil).Cancel(t.Context(), res.BookingID, rooms.Cancellation{Occurrence: meetings[0].ID}); err != nil {
		t.Fatal(err)
	}
	m := fx.Member(online.ID, func(f *signups.Form) { f.Email = "to.grupper@example.org" })
	if err := app.srv.signups().Place(t.Context(), m.ParticipantID, house.ID, audit.Actor{Label: "test"}); err != nil {
		t.Fatal(err)
	}
	mine := app.lastLink(t, "to.grupper@example.org")

	tab := browsertest.New(t).NewTab(t)
	got := tab.Go(t, app.URL+mine)
	for _, want := range []string{"Nettgruppa onsdag", "Husgruppa tirsdag", testMeetingLink, "Avlyst", "Lindesalen"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the page lacks %q:\n%s", want, got.Text)
		}
	}
	tab.Click(t, "a[href$='/gruppe/"+itoa(house.ID)+"/forlat']")
	if got := tab.Click(t, "main form button[type=submit]"); !strings.Contains(got.Text, "Du har forlatt gruppa") {
		t.Fatalf("after leaving: %s", got.Text)
	}
	if got := tab.Click(t, "main a[href='"+mine+"']"); strings.Contains(got.Text, "Husgruppa tirsdag") || !strings.Contains(got.Text, "Nettgruppa onsdag") {
		t.Errorf("after leaving, the page shows:\n%s", got.Text)
	}

	group := "/admin/grupper/" + itoa(online.ID)
	staff.post(group+"/kontakt", url.Values{"name": {"Kari Kontakt"}, "email": {"kontakt.nett@example.org"}})
	staff.post(group+"/kontakt/lenke", nil)
	link := app.lastLink(t, "kontakt.nett@example.org")
	tab.Go(t, app.URL+link+"/moetelenke")
	tab.Fill(t, "felt-meeting_link", "http://usikker.example.org")
	if got := tab.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity)); !strings.Contains(got.Text, "https://") {
		t.Fatalf("error state: %s", got.Text)
	}
}
