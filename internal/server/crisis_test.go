package server

import (
	"net/http"
	"strings"
	"testing"
)

// From the top of every public page, a link in the header leads to the crisis numbers in
// the footer (issue 23), in both languages and on the 404 page.
func TestCrisisNumbersFromTheTop(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	paths := map[string]int{"/": 200, "/grupper": 200, "/tema": 200, "/arrangementer": 200, "/kontakt": 200,
		"/personvern": 200, "/tilgjengelighet": 200, "/finnes-ikke": http.StatusNotFound}
	for lang, label := range map[string]string{"nb": "Trenger du hjelp nå?", "en": "Need help now?"} {
		c := app.client(t).withLang(t, lang)
		for path, status := range paths {
			res, body := c.get(path)
			if res.StatusCode != status {
				t.Fatalf("GET %s = %d, want %d", path, res.StatusCode, status)
			}
			_, header, _ := strings.Cut(body, "<header")
			header, _, _ = strings.Cut(header, "</header>")
			if !strings.Contains(header, `href="#hjelp">`+label+`</a>`) {
				t.Errorf("%s (%s): no link %q to #hjelp in the header", path, lang, label)
			}
			if n := strings.Count(body, `id="hjelp"`); n != 1 {
				t.Errorf("%s (%s): %d elements with id=\"hjelp\", want 1", path, lang, n)
				continue
			}
			_, block, _ := strings.Cut(body, `id="hjelp"`)
			block, _, _ = strings.Cut(block, "</section>")
			for _, tel := range []string{"tel:113", "tel:116117", "tel:116123"} {
				if !strings.Contains(block, `href="`+tel+`"`) {
					t.Errorf("%s (%s): the block the header leads to lacks %s", path, lang, tel)
				}
			}
		}
	}
}
