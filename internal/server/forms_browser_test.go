package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
)

// getFormPages are the pages with a GET form (a filter, a search) and who opens them. Every
// GET form on each page is found in the page itself, so a new form on one of these pages is
// tested without a change here; a new page with a GET form fails
// TestEveryGetFormSubmitsInTheBrowser until it is added.
var getFormPages = []struct {
	path  string
	admin bool // opened by an admin; otherwise by a visitor who is not logged in
}{
	{"/", false},
	{"/grupper", false},
	{"/admin/grupper", true},
	{"/admin/sok", true},
	{"/admin/tilbud", true},
	{"/admin/organisasjoner", true},
	{"/admin/brukere", true},
	{"/admin/logg", true},
	{"/admin/igangsettere", true},
	{"/admin/matching", true},
	{"/admin/nokler/revisjon", true},
	{"/admin/lisenser", true},
	{"/admin/lisenser/bruk", true},
	{"/admin/lisenser/foresporsler", true},
	{"/admin/foresporsler", true},
	{"/admin/utadrettet", true},
}

// formField is one named field of a form as the browser holds it.
type formField struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // select, checkbox, radio or text (any other input)
	Value   string   `json:"value"`
	Checked bool     `json:"checked"`
	Choices []string `json:"choices"` // a select's option values
}

// getForm is one GET form found on a page.
type getForm struct {
	Index  int         `json:"index"` // its data-formtest number on the page
	Action string      `json:"action"`
	Fields []formField `json:"fields"`
}

// key tells the same form apart on another page: its action and its fields' names.
func (f getForm) key() string {
	k := f.Action
	for _, x := range f.Fields {
		k += " " + x.Kind + ":" + x.Name
	}
	return k
}

// findGetForms numbers every GET form on the tab's page and describes it.
func findGetForms(t *testing.T, tab *browsertest.Tab) []getForm {
	t.Helper()
	raw := tab.Eval(t, `JSON.stringify([...document.querySelectorAll("form")]
		.filter(f => f.method === "get")
		.map((f, i) => {
			f.dataset.formtest = i;
			const fields = [];
			for (const e of f.elements) {
				if (!e.name || e.disabled || ["submit", "button", "reset", "image"].includes(e.type)) continue;
				if (e.tagName === "SELECT") fields.push({name: e.name, kind: "select", value: e.value, choices: [...e.options].map(o => o.value)});
				else if (e.type === "checkbox" || e.type === "radio") fields.push({name: e.name, kind: e.type, value: e.value, checked: e.checked});
				else fields.push({name: e.name, kind: "text", value: e.value});
			}
			return {index: i, action: new URL(f.action).pathname, fields};
		}))`)
	var forms []getForm
	if err := json.Unmarshal([]byte(raw), &forms); err != nil {
		t.Fatalf("the forms of the page: %v: %s", err, raw)
	}
	return forms
}

// formVariant is one way of filling a form: its defaults with at most one choice changed.
type formVariant struct {
	name   string
	fields []formField
}

// variants are the form with its defaults, then with each other option of each select, each
// check box turned the other way and each radio button chosen.
func (f getForm) variants() []formVariant {
	out := []formVariant{{name: "defaults", fields: f.Fields}}
	for i, x := range f.Fields {
		change := func(name string, edit func(fs []formField)) {
			fs := slices.Clone(f.Fields)
			edit(fs)
			out = append(out, formVariant{name: name, fields: fs})
		}
		switch x.Kind {
		case "select":
			for _, c := range x.Choices {
				if c != x.Value {
					change(x.Name+"="+c, func(fs []formField) { fs[i].Value = c })
				}
			}
		case "checkbox":
			change(x.Name+map[bool]string{true: " unchecked", false: " checked"}[x.Checked],
				func(fs []formField) { fs[i].Checked = !x.Checked })
		case "radio":
			if !x.Checked {
				change(x.Name+"="+x.Value, func(fs []formField) {
					for j := range fs {
						if fs[j].Kind == "radio" && fs[j].Name == x.Name {
							fs[j].Checked = j == i
						}
					}
				})
			}
		}
	}
	return out
}

// fillForm sets the fields of form number index on the page as fields say, and returns what
// the browser will send: the form's name and value pairs.
func fillForm(t *testing.T, tab *browsertest.Tab, index int, fields []formField) [][2]string {
	t.Helper()
	js, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	raw := tab.Eval(t, `(() => {
		const f = document.querySelector('form[data-formtest="`+itoa(int64(index))+`"]');
		for (const x of `+string(js)+`) {
			for (const e of f.elements) {
				if (e.name !== x.name) continue;
				if (e.type === "checkbox" || e.type === "radio") { if (e.value === x.value) e.checked = x.checked; }
				else e.value = x.value;
			}
		}
		return JSON.stringify([...new FormData(f)].map(([k, v]) => [k, String(v)]));
	})()`)
	var sent [][2]string
	if err := json.Unmarshal([]byte(raw), &sent); err != nil {
		t.Fatalf("the form's data: %v: %s", err, raw)
	}
	return sent
}

// Must show: every GET form of the app (the filters and searches of staff lists, the public
// catalogue's filter) can be sent from a real browser with its defaults and with each choice
// of each select, check box and radio button: the browser does not block it (no optional
// field is required), the answer is 200 with an empty console and passes the page checks,
// and every choice is kept in the address and in the form of the page it leads to.
func TestEveryGetFormSubmitsInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	if _, err := demo.Seed(context.Background(), app.db); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.New(t).NewTab(t)
	tested := map[string]bool{} // form keys
	actions := map[string]bool{}
	for _, admin := range []bool{false, true} { // the public pages before logging in
		if admin {
			loginIn(t, tab, app.URL, p.admin.Email)
		}
		for _, pg := range getFormPages {
			if pg.admin != admin {
				continue
			}
			t.Run(pg.path, func(t *testing.T) {
				got := tab.Go(t, app.URL+pg.path)
				if got.Status != http.StatusOK {
					t.Fatalf("%s answers %d", pg.path, got.Status)
				}
				forms := findGetForms(t, tab)
				if len(forms) == 0 {
					t.Errorf("%s has no GET form: take it off the list", pg.path)
				}
				for _, form := range forms {
					if tested[form.key()] {
						continue // a form of the layout, already tested on another page
					}
					tested[form.key()] = true
					actions[form.Action] = true
					t.Run(form.Action, func(t *testing.T) {
						for _, v := range form.variants() {
							submitVariant(t, tab, app.URL+pg.path, form, v)
						}
					})
				}
			})
		}
	}

	// Every GET form in the templates was among those tested.
	files, err := filepath.Glob("../../web/*/*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	getAction := regexp.MustCompile(`<form[^>]*method="get"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*method="get"`)
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range getAction.FindAllStringSubmatch(string(src), -1) {
			if action := m[1] + m[2]; !actions[action] {
				t.Errorf("%s has a GET form to %s that no page of getFormPages shows", filepath.Base(file), action)
			}
		}
	}
}

// submitVariant fills the form as v says on a page that holds it (the one the last variant
// led to, or else the form's own page) and sends it.
func submitVariant(t *testing.T, tab *browsertest.Tab, page string, form getForm, v formVariant) {
	t.Helper()
	here := -1
	for _, f := range findGetForms(t, tab) {
		if f.key() == form.key() {
			here = f.Index
			break
		}
	}
	if here < 0 {
		tab.Go(t, page)
		for _, f := range findGetForms(t, tab) {
			if f.key() == form.key() {
				here = f.Index
				break
			}
		}
		if here < 0 {
			t.Fatalf("%s no longer holds the form to %s", page, form.Action)
		}
	}
	sent := fillForm(t, tab, here, v.fields)
	got, ok := tab.Submit(t, `form[data-formtest="`+itoa(int64(here))+`"]`)
	if !ok {
		return // the browser's reasons are reported
	}
	if got.Status != http.StatusOK {
		t.Errorf("%s, form to %s with %s: the answer is %d (%s)", page, form.Action, v.name, got.Status, got.URL)
		return
	}
	u, err := url.Parse(got.URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != form.Action {
		t.Errorf("%s, form to %s with %s: led to %s", page, form.Action, v.name, got.URL)
	}
	want := url.Values{}
	for _, kv := range sent {
		want.Add(kv[0], kv[1])
	}
	if q := u.Query(); !equalValues(q, want) {
		t.Errorf("%s, form to %s with %s: the address keeps %v, the form sent %v", page, form.Action, v.name, q, want)
	}
	// The page the form leads to shows the same choices in the same form.
	for _, f := range findGetForms(t, tab) {
		if f.key() != form.key() {
			continue
		}
		shown := url.Values{}
		for _, kv := range fillForm(t, tab, f.Index, []formField{}) {
			shown.Add(kv[0], kv[1])
		}
		if !equalValues(shown, want) {
			t.Errorf("%s, form to %s with %s: the form on %s shows %v, it sent %v", page, form.Action, v.name, got.URL, shown, want)
		}
		break
	}
}

func equalValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
