package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// A group's page answers what people worry about before the first time: what it is like,
// the next meeting that is on (not a cancelled one), the address with the room's floor and
// name, whether the room is step-free and has a hearing loop, and who is behind the group. A
// group with no meetings booked yet says the time and room will come.
func TestGroupPageSaysWhatTheFirstMeetingIsLike(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	ctx := context.Background()
	b := app.fixtures(t)
	g := b.Group(fixture.Named("Sorggruppe tirsdag"), fixture.Meets(2, "18:00", "19:30"))
	waiting := b.Group(fixture.Named("Ny gruppe om ensomhet"))
	room := app.room(t, "Lyttesalen")
	if _, err := app.db.Exec(ctx, `UPDATE rooms SET floor = 3, step_free = false, hearing_loop = true WHERE id = $1`, room); err != nil {
		t.Fatal(err)
	}
	first := aFutureTuesday()
	slots := rooms.Series{First: first, Start: 18 * time.Hour, End: 19*time.Hour + 30*time.Minute, Frequency: rooms.Weekly, Count: 3}.Slots()
	if _, err := rooms.NewStore(app.db, app.srv.outbox).Book(ctx, rooms.Booking{RoomID: room, Title: g.Name, Holder: "group", GroupID: g.ID,
		Frequency: rooms.Weekly, OverrideReason: "avtalt"}, slots, false); err != nil {
		t.Fatal(err)
	}
	// The first one is cancelled: the page must name the second.
	if _, err := app.db.Exec(ctx, `UPDATE booking_occurrences SET cancelled_at = now() WHERE lower(during) = $1`, slots[0].Start); err != nil {
		t.Fatal(err)
	}
	nb := app.client(t)
	res, body := nb.get("/grupper/" + g.Slug)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("group page = %d", res.StatusCode)
	}
	for _, want := range []string{"Første gang", "Den første gangen kan du bare lytte",
		"Neste møte", i18n.DateTime(i18n.NB, slots[1].Start.In(tz.Oslo)),
		"3. etasje, rommet Lyttesalen", "Ikke trinnfri adkomst. Ring oss", "Teleslynge i rommet",
		"LINK Oslo starter gruppa sammen med en frivillig igangsetter"} {
		if !strings.Contains(body, want) {
			t.Errorf("the group page lacks %q", want)
		}
	}
	if strings.Contains(body, i18n.DateTime(i18n.NB, slots[0].Start.In(tz.Oslo))) {
		t.Error("the group page names the cancelled meeting as the next one")
	}
	if _, body := app.client(t).withLang(t, "en").get("/grupper/" + g.Slug); !strings.Contains(body, "floor 3, the room Lyttesalen") ||
		!strings.Contains(body, "Hearing loop in the room") {
		t.Error("the English group page lacks the room's floor or hearing loop")
	}
	// An open twelve-step meeting is run by its members, and needs no time or room sent.
	open := b.Group(fixture.Named("Åpent møte"), fixture.Form(func(f *groups.Form) { f.OpenMeeting, f.TwelveStep = true, true }))
	_, body = nb.get("/grupper/" + open.Slug)
	if !strings.Contains(body, "Deltakerne driver gruppa selv") || strings.Contains(body, "LINK Oslo starter gruppa") ||
		strings.Contains(body, "Vi har ikke satt opp møtene ennå") {
		t.Error("an open twelve-step meeting's page says LINK Oslo starts it, or that its time will come")
	}
	_, body = nb.get("/grupper/" + waiting.Slug)
	if !strings.Contains(body, "Vi har ikke satt opp møtene ennå") || strings.Contains(body, "Neste møte") {
		t.Error("a group with no meetings booked should say the time and room will come")
	}
}
