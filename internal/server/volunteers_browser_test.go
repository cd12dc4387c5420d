package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/volunteers"
)

// Every volunteer and follow-up page passes axe-core, has an empty console and fits a 320 px
// phone: the register, a new volunteer's form in its error state, a volunteer with groups,
// a group's page full of history and in its theme warning and error states, the due list
// and the list of groups without a volunteer.
func TestVolunteerPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	now := time.Now()
	f := app.volunteerFixture(t, now.AddDate(0, -7, 0)) // the 3- and 6-month check-ins are due
	ctx := context.Background()
	store := volunteers.NewStore(app.db)
	day := func(days int) string { return now.In(tz.Oslo).AddDate(0, 0, days).Format(time.DateOnly) }
	if _, err := store.Assign(ctx, f.group, f.ola.ID, false, p.staff.ID, now); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := store.PlanMeeting(ctx, f.group, volunteers.MeetingForm{Date: day(7*i - 7), Time: "18:00", Note: "Første runde"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.AddFollowUp(ctx, f.group, volunteers.FollowUpForm{HappenedOn: day(-20), Kind: volunteers.KindContactMeeting,
		Note: "Gruppa har funnet formen sin.\nNeste gang snakker vi om overlevering.", NextCheckOn: day(-2)}, p.staff.ID, volunteers.Today(now)); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordCheckin(ctx, f.group, volunteers.CheckinForm{Months: "3", DoneOn: day(-90), StillMeets: volunteers.Yes},
		p.staff.ID, volunteers.Today(now)); err != nil {
		t.Fatal(err)
	}
	app.startupGroup(t, "sorg-onsdag", "Sorggruppe onsdag", now.AddDate(0, 0, -3))
	page := "/admin/grupper/" + itoa(f.group) + "/oppfolging"

	tab := browsertest.New(t).NewTab(t)
	loginIn(t, tab, app.URL, p.staff.Email)
	for _, c := range []struct{ path, want string }{
		{"/admin/igangsettere", "Kari Igangsetter"},
		{"/admin/igangsettere?vis=all&q=ola", "Ola Hjelper"},
		{"/admin/igangsettere/" + itoa(f.ola.ID), "Angst – mandag"},
		{page, "Gruppa har funnet formen sin."},
		{"/admin/oppfolging", "Sjekkpunkt etter 6 måneder"},
		{"/admin/oppfolging/uten-igangsetter", "Sorggruppe onsdag"},
	} {
		if got := tab.Go(t, app.URL+c.path); !strings.Contains(got.Text, c.want) {
			t.Errorf("%s: want %q in\n%s", c.path, c.want, got.Text)
		}
	}

	tab.Go(t, app.URL+"/admin/igangsettere/ny")
	tab.Fill(t, "felt-phone", "ring meg")
	got := tab.Click(t, "form[action='/admin/igangsettere/ny'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Noe må rettes") || !strings.Contains(got.Text, "Skriv navnet til igangsetteren.") {
		t.Errorf("new volunteer form errors: %s", got.Text)
	}

	tab.Go(t, app.URL+page)
	tab.SetValue(t, "felt-volunteer", itoa(f.kari.ID))
	got = tab.Click(t, "form[action$='/oppfolging/igangsettere'] button[type=submit]")
	if !strings.Contains(got.Text, "har selv erfaring med Angst") {
		t.Fatalf("theme warning: %s", got.Text)
	}
	got = tab.Click(t, "#bekreft button[type=submit]")
	if !strings.Contains(got.Text, "Igangsetteren er lagt til gruppa.") || !strings.Contains(got.Text, "Gruppa har to igangsettere.") {
		t.Errorf("after confirming: %s", got.Text)
	}
	tab.SetValue(t, "felt-checkin_done_on", "")
	got = tab.Click(t, "form[action$='/oppfolging/sjekk'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Skriv en dato.") || !strings.Contains(got.Text, "Svar om gruppa fortsatt møtes.") {
		t.Errorf("check-in errors: %s", got.Text)
	}
	tab.SetValue(t, "felt-handover_on", day(0))
	got = tab.Click(t, "form[action$='/oppfolging/overlevering'] button[type=submit]")
	if !strings.Contains(got.Text, "Overleveringen er lagret.") || !strings.Contains(got.Text, "Driver seg selv") {
		t.Errorf("after the handover: %s", got.Text)
	}
}
