package mail

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// shapes are the messages the one HTML template draws, each part present or left out: the
// kinds of mail differ only in their words, which their features' tests check.
func shapes() map[string]func(i18n.Lang) Message {
	return map[string]func(i18n.Lang) Message{
		"full": func(l i18n.Lang) Message { return letter(l, "Kari", link) },
		"no-action": func(l i18n.Lang) Message {
			m := letter(l, "Kari", link)
			m.Action, m.Notes = Action{}, nil
			return m
		},
		"many-paragraphs": func(l i18n.Lang) Message {
			m := letter(l, "Kari", link)
			m.Paragraphs = append(m.Paragraphs, FormatTime(l, expires), "Linje én\nLinje to")
			return m
		},
	}
}

// The HTML body of every shape of message, in both languages, passes axe-core in Chromium,
// needs nothing but its inline styles (a CSP that allows only those leaves the console
// empty), and does not scroll sideways on a small phone.
func TestHTMLBodyInTheBrowser(t *testing.T) {
	bodies := map[string]string{}
	for name, build := range shapes() {
		for _, l := range i18n.Langs {
			r, err := Render(build(l))
			if err != nil {
				t.Fatal(err)
			}
			bodies["/"+name+"/"+string(l)] = r.HTML
		}
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}))
	defer ts.Close()
	b := browsertest.New(t)
	for path := range bodies {
		t.Run(path, func(t *testing.T) {
			got := b.Visit(t, ts.URL+path, browsertest.Mail())
			lang := path[strings.LastIndex(path, "/")+1:]
			if got.Lang != lang || !strings.Contains(got.Text, "Kirkeveien 61") {
				t.Errorf("lang %q, text:\n%s", got.Lang, got.Text)
			}
		})
	}
}
