package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/events"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
)

// The lists that show people's names beside a group, a theme or an event (a group's and a
// theme's waiting list, the matching page, an event's sign-ups) each leave one audit line per
// view: the staff member, what was seen and which group, theme or event.
func TestViewsOfNamesBesideAThemeAreAudited(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	themeID, groupID := app.catalogueFixture(t)
	ctx := context.Background()
	app.fixtures(t).SignUp(signups.Target{GroupID: groupID})
	app.fixtures(t).SignUp(signups.Target{ThemeID: themeID})
	eventID := app.coffeeEvent(t, "Kaffetreff")
	if _, err := app.srv.events().SignUp(ctx, eventID, events.SignupForm{FirstName: "Gjest", Email: "gjest@example.test", Adult: true, Consent: true},
		"nb", time.Now()); err != nil {
		t.Fatal(err)
	}
	staff := app.client(t).login(p.staff.Email)
	for _, c := range []struct {
		path, entity string
		id           int64
		name         string // shown on the page: the list really holds a person
	}{
		{"/admin/venteliste?gruppe=" + itoa(groupID), "group_waiting", groupID, "Deltaker"},
		{"/admin/venteliste?tema=" + itoa(themeID), "theme_waiting", themeID, "Deltaker"},
		{"/admin/matching", "matching", 0, "Deltaker"},
		{"/admin/arrangementer/" + itoa(eventID), "event_signups", eventID, "Gjest"},
	} {
		before := app.count(t, `SELECT count(*) FROM audit_log`)
		res, body := staff.get(c.path)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, c.name) {
			t.Errorf("%s = %d, or without the person", c.path, res.StatusCode)
		}
		if n := app.count(t, `SELECT count(*) FROM audit_log`) - before; n != 1 {
			t.Errorf("%s wrote %d audit lines, want 1", c.path, n)
			continue
		}
		var actor int64
		var action, entity, entityID string
		var groups []int64
		err := app.db.QueryRow(ctx, `SELECT actor_id, action, entity, entity_id,
				coalesce(ARRAY(SELECT jsonb_array_elements_text(details->'groups')::bigint), '{}')
			FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&actor, &action, &entity, &entityID, &groups)
		if err != nil {
			t.Fatal(err)
		}
		wantID := ""
		if c.id != 0 {
			wantID = itoa(c.id)
		}
		if actor != p.staff.ID || action != audit.PersonalDataViewed || entity != c.entity || entityID != wantID {
			t.Errorf("%s: audit line by %d: %s %s %q; want by %d: %s %s %q", c.path, actor, action, entity, entityID,
				p.staff.ID, audit.PersonalDataViewed, c.entity, wantID)
		}
		if c.entity == "matching" && (len(groups) != 1 || groups[0] != groupID) {
			t.Errorf("the matching page's audit line names groups %v, want [%d]", groups, groupID)
		}
	}
}
