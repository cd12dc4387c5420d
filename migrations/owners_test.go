package migrations

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// owners names the one package that writes each table. Another feature that needs a change
// in a table calls a method of its owner (on its own transaction) instead of writing the rows.
var owners = map[string]string{
	"audit_log":            "audit",
	"booking_occurrences":  "rooms",
	"booking_requests":     "rooms",
	"bookings":             "rooms",
	"calendar_feeds":       "rooms",
	"checkins":             "volunteers",
	"closures":             "rooms",
	"event_links":          "events",
	"event_series":         "events",
	"event_signups":        "events",
	"events":               "events",
	"follow_ups":           "volunteers",
	"group_contacts":       "rooms",
	"group_status_history": "groups",
	"group_themes":         "groups",
	"group_volunteers":     "volunteers",
	"import_batches":       "signups",
	"form_requests":        "optin",
	"groups":               "groups",
	"key_loans":            "keys",
	"key_rooms":            "keys",
	"keys":                 "keys",
	"licence_loans":        "licences",
	"licence_requests":     "licences",
	"licences":             "licences",
	"login_failures":       "auth",
	"memberships":          "signups",
	"offers":               "signups",
	"opening_exceptions":   "rooms",
	"opening_hours":        "rooms",
	"orgs":                 "orgs",
	"outbox":               "mail",
	"outreach":             "outreach",
	"participant_links":    "signups",
	"participants":         "signups",
	"placement_waits":      "signups",
	"recovery_codes":       "auth",
	"report_intros":        "outreach",
	"rooms":                "rooms",
	"sessions":             "server", // scs's pgxstore, behind the server's digest store
	"settings":             "auth",
	"signups":              "signups",
	"startup_meetings":     "volunteers",
	"themes":               "groups",
	"user_tokens":          "auth",
	"users":                "auth",
	"volunteer_themes":     "volunteers",
	"volunteers":           "volunteers",
	"yearly_counts":        "counts",
}

// generators write every table on purpose: the demo and benchmark data sets are loaded with
// COPY and plain INSERTs in one transaction, tens of thousands of rows a second, which going
// through each use case (mail, audit lines, one transaction each) would make minutes.
var generators = []string{"demo", "cmd/loadbench"}

var (
	createTable = regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)`)
	writeSQL    = regexp.MustCompile(`(?i)\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+([a-z_]+)`)
	copyFrom    = regexp.MustCompile(`CopyFrom\(\s*ctx,\s*pgx\.Identifier\{"([a-z_]+)"\}`)
)

// Every table the migrations create has an owner, and no package writes a table it does not
// own: a scan of the Go sources (tests excepted) for INSERT, UPDATE, DELETE, TRUNCATE and COPY.
func TestEachTableHasOneOwner(t *testing.T) {
	t.Parallel()
	tables := map[string]bool{}
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		sql, err := fs.ReadFile(FS, path)
		for _, m := range createTable.FindAllStringSubmatch(string(sql), -1) {
			tables[strings.ToLower(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for table := range tables {
		if owners[table] == "" {
			t.Errorf("table %s has no owner: add it to owners", table)
		}
	}
	for table := range owners {
		if !tables[table] {
			t.Errorf("owners names %s, which no migration creates", table)
		}
	}
	for _, w := range foreignWrites(t, "..", tables) {
		t.Error(w)
	}
}

// foreignWrites lists the writes in the Go sources under root to a table of another package.
func foreignWrites(t *testing.T, root string, tables map[string]bool) []string {
	var found []string
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			pkg := packageOf(root, path)
			if slices.Contains(generators, pkg) {
				return nil
			}
			src, err := os.ReadFile(path) // #nosec G304 -- the repository's own sources
			if err != nil {
				return err
			}
			for _, table := range written(string(src), tables) {
				if owners[table] != pkg {
					found = append(found, path+" writes "+table+", which "+owners[table]+" owns")
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(found)
	return found
}

// packageOf names the package of a source file as owners does: the folder under internal/ or
// cmd/ ("rooms", "cmd/loadbench"), a nested one under its parent ("postgres").
func packageOf(root, path string) string {
	rel, _ := filepath.Rel(root, path)
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if parts[0] == "cmd" {
		return "cmd/" + parts[1]
	}
	return parts[1]
}

// written returns the known tables that src writes.
func written(src string, tables map[string]bool) []string {
	var out []string
	for _, re := range []*regexp.Regexp{writeSQL, copyFrom} {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			if table := strings.ToLower(m[1]); tables[table] && !slices.Contains(out, table) {
				out = append(out, table)
			}
		}
	}
	return out
}

// The scan finds a write in another package's table, so the test above can fail.
func TestForeignWritesAreFound(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "internal", "events")
	for _, d := range []string{dir, filepath.Join(root, "cmd")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	src := "package events\n\nconst q = `UPDATE booking_occurrences SET cancelled_at = now()`\nconst ok = `INSERT INTO event_signups (id) VALUES (1)`\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := foreignWrites(t, root, map[string]bool{"booking_occurrences": true, "event_signups": true})
	if len(got) != 1 || !strings.Contains(got[0], "booking_occurrences, which rooms owns") {
		t.Errorf("found %q, want the one write to booking_occurrences", got)
	}
}
