package i18n

import (
	"context"
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// numberBeforeWord is a placeholder followed by a word: "{{.N}} nøkler", the shape of a count
// and the thing counted.
var numberBeforeWord = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}\s+\p{L}`)

// notCounts are placeholders that are never numbers ("{{.Name}} sa", "{{.When}} i rom"), and
// Max and Min, limits the code sets (never one: "høyst {{.Max}} tegn").
var notCounts = []string{"Name", "Day", "Days", "Date", "When", "Title", "Room", "Provider", "Theme", "Themes", "Weekday",
	"Month", "MonthName", "Year", "Hour", "Minute", "Version", "Time", "Since", "Ends", "Until", "Period", "First", "Last",
	"Who", "Field", "From", "To", "Week", "Place", "Where", "Link", "Email", "Phone", "Licence", "Group", "Deadline",
	"Channel", "Transport", "Encoding", "Start", "End", "Percent", "Line", "Ended", "Age", "Expires", "Heading", "Member",
	"Max", "Min", "Holder", "Borrower", "Org"}

// exempt are messages with a number that read right for any count: the number is a constant
// of the code, never one, or what follows it is not the thing counted ("1 av 8", "og 1 til").
var exempt = map[string]string{
	"pagination.status":     "Page, Pages and Total are followed by \"av\" and \"i alt\"",
	"partner.users.more":    "\"og 1 til\", \"and 1 more\"",
	"groups.members.of":     "\"1 av 8\"",
	"desk.found.status":     "\"1 venter, 1 med tilbud, 1 i gruppe\"",
	"events.counts":         "\"1 av 10, 1 venter\"",
	"desk.note.retention":   "Months is how long a desk note is kept (signups.NoteMonths)",
	"loans.last.tooLong":    "Months is the longest loan",
	"import.file.tooMany":   "Rows and Columns are the import's limits",
	"sheet.note.about":      "N is the smallest count the report shows",
	"loans.request.lead":    "the largest licence's seats",
	"signup.consent.text":   "the months a sign-up is kept",
	"import.rule.format":    "the import's row limit",
	"followup.meetings.max": "Max, the longest start-up",
}

// entry is one catalogue entry as its file holds it: a text, or plural forms.
type entry struct {
	id    string
	forms map[string]string // "other" alone for a plain text
}

// catalogueFiles reads every message of every catalogue file, by file name.
func catalogueFiles(t *testing.T) map[string][]entry {
	t.Helper()
	names, err := fs.Glob(files, "*.json")
	if err != nil || len(names) < 2 {
		t.Fatalf("catalogue files: %v, %v", names, err)
	}
	out := map[string][]entry{}
	for _, name := range names {
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		var entries map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for id, v := range entries {
			m := entry{id: id, forms: map[string]string{}}
			var text string
			if json.Unmarshal(v, &text) == nil {
				m.forms["other"] = text
			} else if err := json.Unmarshal(v, &m.forms); err != nil {
				t.Fatalf("%s: %s: %v", name, id, err)
			}
			out[name] = append(out[name], m)
		}
	}
	return out
}

// countBearing reports whether a message has a number in it: {{.Count}}, or a placeholder
// that is a number followed by the thing it counts.
func countBearing(m entry) bool {
	if _, fixed := exempt[m.id]; fixed {
		return false
	}
	for _, text := range m.forms {
		if strings.Contains(strings.ReplaceAll(text, " ", ""), "{{.Count") {
			return true
		}
		for _, sub := range numberBeforeWord.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(notCounts, sub[1]) {
				return true
			}
		}
	}
	return false
}

// Must show (issue 22): every message with a number in it, in both languages, has CLDR plural
// forms (one, and other with its {{.Count}}), so that nobody reads "1 forespørsler" or "1
// keys overdue". A number the page sets apart is in its message too (i18n.Around).
func TestCountsHavePluralForms(t *testing.T) {
	t.Parallel()
	var missing []string
	counted := 0
	for name, list := range catalogueFiles(t) {
		for _, m := range list {
			if !countBearing(m) {
				continue
			}
			counted++
			if m.forms["one"] == "" || !strings.Contains(m.forms["other"], "{{.Count}}") {
				missing = append(missing, name+": "+m.id+": "+m.forms["other"])
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d messages with a number lack plural forms (one, and other with {{.Count}}):\n\t%s", len(missing), strings.Join(missing, "\n\t"))
	}
	if counted < 40 {
		t.Errorf("only %d messages with a number found: the scan no longer sees them", counted)
	}
}

// callWithID finds a message id written out in a translation call and what follows it on the
// line: T(ctx, "a.b", "Count", n), Translate(l, "a.b", …), t("a.b", …), Around(ctx, "a.b", n).
var callWithID = regexp.MustCompile(`(?:\bT\(ctx, |Translate\([a-zA-Z.]+, |\bt\(|Around\(ctx, )"([a-z][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9-]+)+)"(.*)`)

// Must show (issue 22): a plural message is given its count, or go-i18n falls back to the
// "other" form: every call that names a message with plural forms passes "Count" (or goes
// through Around, which takes the count).
func TestPluralMessagesAreGivenTheirCount(t *testing.T) {
	t.Parallel()
	plural := map[string]bool{}
	for _, list := range catalogueFiles(t) {
		for _, m := range list {
			if m.forms["one"] != "" {
				plural[m.id] = true
			}
		}
	}
	calls := 0
	eachSource(t, func(p, src string) {
		for _, m := range callWithID.FindAllStringSubmatch(src, -1) {
			if !plural[m[1]] {
				continue
			}
			calls++
			if !strings.Contains(m[2], `"Count"`) && !strings.HasPrefix(m[0], "Around(") {
				t.Errorf("%s: %q has plural forms but is not given its count: %s", p, m[1], strings.TrimSpace(m[0]))
			}
		}
	})
	if calls < 20 {
		t.Errorf("found only %d calls of plural messages; the pattern no longer matches the code", calls)
	}
}

// Around gives the words before and after the number in the form the count selects, and T
// writes an int count as the language writes numbers.
func TestAroundAndCountForms(t *testing.T) {
	t.Parallel()
	nb, en := WithLang(context.Background(), NB), WithLang(context.Background(), EN)
	for _, c := range []struct {
		ctx               context.Context
		n                 int
		before, after, id string
	}{
		{nb, 1, "", " forespørsel om rom", "dashboard.roomRequests"},
		{nb, 2, "", " forespørsler om rom", "dashboard.roomRequests"},
		{en, 1, "", " key overdue", "dashboard.keysOverdue"},
		{en, 0, "", " keys overdue", "dashboard.keysOverdue"},
	} {
		if before, after := Around(c.ctx, c.id, c.n); before != c.before || after != c.after {
			t.Errorf("Around(%s, %d) = %q, %q; want %q, %q", c.id, c.n, before, after, c.before, c.after)
		}
	}
	if got, want := T(nb, "dashboard.keysOut", "Count", 1), "1 nøkkel er ute"; got != want {
		t.Errorf("one key out = %q, want %q", got, want)
	}
	if got, want := T(nb, "dashboard.keysOut", "Count", 1234), Int(NB, 1234)+" nøkler er ute"; got != want || !strings.Contains(got, "234") {
		t.Errorf("1234 keys out = %q, want %q", got, want)
	}
}
