package server

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
)

var metaDescriptionTag = regexp.MustCompile(`<meta name="description"[^>]*>`)
var metaContent = regexp.MustCompile(`content="([^"]*)"`)

// Every public page has exactly one meta description, not empty, in the page's language: a
// group's, theme's and event's own description where there is one, else a kind text.
func TestPublicPagesHaveAMetaDescription(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	cat := app.newCatalogue(t)
	g := cat.add(t, "Sorg på nett", func(f *groups.Form) {
		f.DescriptionNB = strings.Repeat("Vi møtes hver tirsdag og snakker sammen. ", 8)
	})
	staff := app.client(t).login(app.people(t).staff.Email)
	if res, _ := staff.post("/admin/arrangementer/ny", eventForm("5")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create event = %d", res.StatusCode)
	}
	var id int64
	if err := app.db.QueryRow(context.Background(), `SELECT id FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/grupper", "/tema", "/grupper/" + g.Slug, "/tema/" + cat.angst.Slug, "/arrangementer",
		"/arrangementer/" + itoa(id), "/kontakt", "/personvern", "/tilgjengelighet", "/mine", "/takk", "/sjekk-epost",
		"/grupper/" + g.Slug + "/meld-pa", "/tema/" + cat.angst.Slug + "/interesse"}
	seen := map[string]string{} // description → the page that has it, per language
	for _, lang := range []string{"nb", "en"} {
		c := app.client(t).withLang(t, lang)
		for _, path := range paths {
			res, body := c.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, res.StatusCode)
			}
			tags := metaDescriptionTag.FindAllString(body, -1)
			if len(tags) != 1 {
				t.Errorf("%s (%s) has %d meta descriptions, want 1", path, lang, len(tags))
				continue
			}
			m := metaContent.FindStringSubmatch(tags[0])
			if m == nil || strings.TrimSpace(m[1]) == "" {
				t.Errorf("%s (%s): empty meta description %s", path, lang, tags[0])
				continue
			}
			if n := utf8.RuneCountInString(m[1]); n > 160 {
				t.Errorf("%s (%s): meta description of %d characters, want at most 160", path, lang, n)
			}
			if other, ok := seen[m[1]]; ok {
				t.Errorf("%s (%s) has the same meta description as %s", path, lang, other)
			}
			seen[m[1]] = path + " (" + lang + ")"
		}
	}
	if _, body := app.client(t).get("/grupper/" + g.Slug); !strings.Contains(body, `<meta name="description" content="Vi møtes hver tirsdag`) {
		t.Error("a group's page is not described by the group's own description")
	}
	if _, body := app.client(t).get("/tema/" + cat.angst.Slug); !strings.Contains(body, `<meta name="description" content="Om Angst og uro.">`) {
		t.Error("a theme's page is not described by the theme's own description")
	}
}

// A long text is cut at a word, with an ellipsis; a short one is kept; none gives the fallback.
func TestMetaDescriptionShortens(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ord ", 100)
	got := metaDescription(long, "x")
	if n := utf8.RuneCountInString(got); n > metaLength+1 || !strings.HasSuffix(got, "ord…") {
		t.Errorf("metaDescription(long) = %q (%d characters)", got, n)
	}
	if got := metaDescription(" Kort  tekst. ", "x"); got != "Kort tekst." {
		t.Errorf("metaDescription(short) = %q", got)
	}
	if got := metaDescription("  ", "reserve"); got != "reserve" {
		t.Errorf("metaDescription(empty) = %q", got)
	}
}
