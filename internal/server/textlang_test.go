package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
)

// On English pages, a group's name and an event's title, which exist in Norwegian only, are
// marked lang="nb" on the element that holds them (WCAG 3.1.2); on Norwegian pages they are
// not marked at all.
func TestNorwegianNamesCarryTheirLang(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	g := cat.add(t, "Sorg på nett", func(f *groups.Form) {
		f.Themes = []int64{cat.sorg.ID}
		f.DescriptionNB = "Vi møtes hver tirsdag."
	})
	staff := app.client(t).login(app.people(t).staff.Email)
	if res, _ := staff.post("/admin/arrangementer/ny", eventForm("5")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create event = %d", res.StatusCode)
	}
	var id int64
	if err := app.db.QueryRow(context.Background(), `SELECT id FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	pages := map[string][]string{
		"/grupper":                        {"Sorg på nett"},
		"/grupper/" + g.Slug:              {"Sorg på nett", "Vi møtes hver tirsdag."},
		"/grupper/" + g.Slug + "/meld-pa": {"Sorg på nett"},
		"/tema/" + cat.sorg.Slug:          {"Sorg på nett"},
		"/arrangementer":                  {"Digitalt kaffetreff"},
		"/arrangementer/" + itoa(id):      {"Digitalt kaffetreff"},
	}
	en := app.client(t).withLang(t, "en")
	nb := app.client(t)
	for path, names := range pages {
		for _, c := range []struct {
			client *client
			want   bool
		}{{en, true}, {nb, false}} {
			res, body := c.client.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, res.StatusCode)
			}
			_, body, _ = strings.Cut(body, "<body")
			for _, name := range names {
				checkNameLang(t, path, body, name, c.want)
			}
		}
	}
}

// checkNameLang fails unless name shows in body and each time the tag just before it is an
// opening tag that carries lang="nb" (when want) or no lang at all (when not).
func checkNameLang(t *testing.T, path, body, name string, want bool) {
	t.Helper()
	rest, seen := body, 0
	for {
		i := strings.Index(rest, name)
		if i < 0 {
			break
		}
		seen++
		tag := rest[strings.LastIndex(rest[:i], "<"):i]
		if end := strings.Index(tag, ">"); end >= 0 {
			tag = tag[:end+1]
		}
		marked := !strings.HasPrefix(tag, "</") && strings.Contains(tag, ` lang="nb"`)
		if marked != want {
			t.Errorf("%s: %q sits in %s; lang=\"nb\" wanted: %v", path, name, tag, want)
		}
		rest = rest[i+len(name):]
	}
	if seen == 0 {
		t.Errorf("%s does not show %q", path, name)
	}
}
