package signups_test

//go:generate go run ./testdata/importgen

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// importSetup is a database with what the generated waiting lists name: the themes Angst,
// Sorg and Ensomhet, the group "Samtalegruppe onsdag", and a person with finnes@example.org;
// plus the staff member who imports and the keyring the rows are sealed with.
func importSetup(t *testing.T) (*pgxpool.Pool, audit.Actor, *secrets.Keyring) {
	t.Helper()
	db := pgtest.New(t)
	b := fixture.New(t, db)
	angst := b.Theme("Angst")
	b.Theme("Sorg")
	b.Theme("Ensomhet")
	b.Group(fixture.Named("Samtalegruppe onsdag"), fixture.InThemes(angst.ID))
	b.SignUp(signups.Target{ThemeID: angst.ID}, func(f *signups.Form) { f.Email = "finnes@example.org" })
	staff := b.User("Stine Stab", "staff", 0)
	ring, err := secrets.NewKeyring("import", []byte("import test secret key, 32 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	return db, audit.Actor{ID: staff.ID, Label: staff.Email}, ring
}

// The bad rows of the CSV files: every 50th row (line = row + 1), each in another way.
var csvBad = map[int]string{
	51: "import.problem.contact", 101: "import.problem.email", 151: "import.problem.phone",
	201: "import.problem.theme", 251: "import.problem.date", 301: "import.problem.repeat",
	351: "import.problem.name", 401: "import.problem.date", 451: "import.problem.group",
	501: "import.problem.exists",
}

// The bad rows of the XLSX: every 4th row (line = row + 1), the ten ways twice.
var xlsxBad = map[int]string{
	5: "import.problem.contact", 9: "import.problem.email", 13: "import.problem.phone", 17: "import.problem.theme",
	21: "import.problem.date", 25: "import.problem.repeat", 29: "import.problem.name", 33: "import.problem.date",
	37: "import.problem.group", 41: "import.problem.exists",
	45: "import.problem.contact", 49: "import.problem.email", 53: "import.problem.phone", 57: "import.problem.theme",
	61: "import.problem.date", 65: "import.problem.repeat", 69: "import.problem.name", 73: "import.problem.date",
	77: "import.problem.group", 81: "import.problem.exists",
}

// Must show (issue 19): importing each generated file imports exactly its good rows, with
// their waiting-since dates, lists every bad row with its reason, and a second import of the
// same file adds nobody.
func TestImportTheGeneratedFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file string
		rows int
		bad  map[int]string
	}{
		{"venteliste.csv", 500, csvBad},
		{"venteliste-cp1252.csv", 500, csvBad},
		{"venteliste.xlsx", 80, xlsxBad},
	} {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, staff, ring := importSetup(t)
			store := signups.NewStore(db, nil)
			data, err := os.ReadFile("testdata/import/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			id, err := store.StageImport(ctx, c.file, data, ring, staff, now)
			if err != nil {
				t.Fatal(err)
			}
			p, err := store.ImportPreview(ctx, id, ring, staff, now)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"name", "email", "phone", "theme", "group", "since", "contact", "lang", "note"}; !slices.Equal(p.Mapping, want) {
				t.Fatalf("guessed mapping of %q: %q", p.Header, p.Mapping)
			}
			if len(p.Rows) != c.rows || p.Bad != len(c.bad) || p.Good != c.rows-len(c.bad) {
				t.Fatalf("preview: %d rows, %d good, %d bad", len(p.Rows), p.Good, p.Bad)
			}
			checkProblems(t, p.Rows, c.bad)
			// Names with æøå come through from Windows-1252 and UTF-8 alike.
			if p.Rows[0].FirstName != "Bjørn" || p.Rows[1].FirstName != "Kåre" {
				t.Errorf("names: %q, %q", p.Rows[0].FirstName, p.Rows[1].FirstName)
			}

			res, err := store.RunImport(ctx, id, ring, staff, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != c.rows-len(c.bad) || res.Skipped != len(c.bad) {
				t.Fatalf("imported %d, skipped %d", res.Imported, res.Skipped)
			}
			imported := count(t, db, `SELECT count(*) FROM participants WHERE imported_at IS NOT NULL`)
			signed := count(t, db, `SELECT count(*) FROM signups s JOIN participants p ON p.id = s.participant_id
				WHERE p.imported_at IS NOT NULL AND s.status = 'waiting' AND s.consent_version = 'import'`)
			if imported != res.Imported || signed != res.Imported {
				t.Fatalf("%d people and %d sign-ups stored, %d imported", imported, signed, res.Imported)
			}
			// The waiting-since dates are the file's: row i waits since 2024-01-01 + i days.
			for _, r := range p.Rows {
				if !r.OK() {
					continue
				}
				var since time.Time
				err := db.QueryRow(ctx, `SELECT s.waiting_since FROM signups s JOIN participants p ON p.id = s.participant_id
					WHERE p.imported_at IS NOT NULL AND (p.email = $1 OR ($1 = '' AND p.phone = $2))`, r.Email, r.Phone).Scan(&since)
				if err != nil {
					t.Fatalf("line %d: %v", r.Line, err)
				}
				want := time.Date(2024, 1, r.Line, 0, 0, 0, 0, tz.Oslo) // line = row + 1
				if !since.Equal(want) {
					t.Fatalf("line %d waits since %s, want %s", r.Line, since.In(tz.Oslo), want)
				}
			}
			if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'participant.imported' AND entity = 'participant'`); n != res.Imported {
				t.Errorf("%d audit lines for imported people", n)
			}
			if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'import.done'
				AND (details->>'imported')::int = $1 AND (details->>'skipped')::int = $2`, res.Imported, res.Skipped); n != 1 {
				t.Errorf("%d audit lines for the import", n)
			}
			// The report keeps each skipped row with its reason.
			report, err := store.ImportPreview(ctx, id, ring, staff, now)
			if err != nil {
				t.Fatal(err)
			}
			if report.ImportedAt == nil || len(report.Imported) != res.Imported || report.Bad != len(c.bad) {
				t.Fatalf("report: imported at %v, %d imported, %d bad", report.ImportedAt, len(report.Imported), report.Bad)
			}
			checkProblems(t, report.Rows, c.bad)
			if _, err := store.RunImport(ctx, id, ring, staff, now); !errors.Is(err, signups.ErrImportDone) {
				t.Errorf("the same batch imported twice: %v", err)
			}

			// The same file again: everyone is here already.
			again, err := store.StageImport(ctx, c.file, data, ring, staff, now)
			if err != nil {
				t.Fatal(err)
			}
			res, err = store.RunImport(ctx, again, ring, staff, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 0 || res.Skipped != c.rows {
				t.Errorf("second import: %d imported, %d skipped", res.Imported, res.Skipped)
			}
			if n := count(t, db, `SELECT count(*) FROM participants WHERE imported_at IS NOT NULL`); n != imported {
				t.Errorf("after the second import %d imported people, want %d", n, imported)
			}
		})
	}
}

func checkProblems(t *testing.T, rows []signups.ImportRow, bad map[int]string) {
	t.Helper()
	for _, r := range rows {
		want, isBad := bad[r.Line]
		if !isBad {
			if !r.OK() {
				t.Errorf("line %d (%s): %v", r.Line, r.FirstName, r.Problems)
			}
			continue
		}
		if !slices.ContainsFunc(r.Problems, func(p signups.ImportProblem) bool { return p.ID == want }) {
			t.Errorf("line %d: problems %v, want %s", r.Line, r.Problems, want)
		}
		if want == "import.problem.repeat" && r.Problems[0].Line != r.Line-1 {
			t.Errorf("line %d repeats line %d, want %d", r.Line, r.Problems[0].Line, r.Line-1)
		}
	}
}

// An imported person gets no mail or SMS: their channel reads as a call until staff confirm
// their consent, which is audited and turns their sign-ups to today's consent.
func TestImportedPeopleArePhonedUntilConsentIsConfirmed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, staff, ring := importSetup(t)
	store := signups.NewStore(db, nil)
	csv := "\ufeffFornavn;E-post;Tema;Venter siden\r\nTora;tora@example.org;Sorg;03.04.2025\r\n"
	id, err := store.StageImport(ctx, "liste.csv", []byte(csv), ring, staff, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.RunImport(ctx, id, ring, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	pid := int64(count(t, db, `SELECT id FROM participants WHERE email = 'tora@example.org'`))
	var sid int64
	if err := db.QueryRow(ctx, `SELECT id FROM signups WHERE participant_id = $1`, pid).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	channel := func() string {
		e, err := store.PoolEntries(ctx, []int64{sid})
		if err != nil {
			t.Fatal(err)
		}
		return e[sid].Channel
	}
	if c := channel(); c != signups.ByPhone {
		t.Errorf("before consent: channel %q", c)
	}
	list, total, err := store.Unconfirmed(ctx, 25, 0, staff)
	if err != nil || total != 1 || list[0].ParticipantID != pid {
		t.Fatalf("unconfirmed: %v %d %v", list, total, err)
	}
	if err := store.ConfirmConsent(ctx, pid, staff, time.Now()); err != nil {
		t.Fatal(err)
	}
	if c := channel(); c != signups.ByEmail {
		t.Errorf("after consent: channel %q", c)
	}
	if n := count(t, db, `SELECT count(*) FROM signups WHERE participant_id = $1 AND consent_version = $2`, pid, signups.ConsentVersion); n != 1 {
		t.Error("the sign-up keeps the import's consent version")
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'participant.consent_confirmed' AND entity_id = $1`, itoa(pid)); n != 1 {
		t.Error("no audit line")
	}
	if err := store.ConfirmConsent(ctx, pid, staff, time.Now()); err == nil {
		t.Error("confirmed twice")
	}
}

// A mapping must name each field once and hold a name, a way to reach people and what they
// wait for; a file that is no spreadsheet is refused next to the file field.
func TestImportMappingAndFileErrors(t *testing.T) {
	t.Parallel()
	errs := signups.CheckMapping([]string{"name", "email", "email", "theme"})
	if fe, ok := errs.Get("kol-2"); !ok || fe.Msg != "import.mapping.twice" {
		t.Errorf("twice: %v", errs)
	}
	if errs := signups.CheckMapping([]string{"name", "", "theme"}); !errs.Has("kolonner") {
		t.Errorf("no contact: %v", errs)
	}
	if errs := signups.CheckMapping([]string{"name", "phone", "group"}); !errs.OK() {
		t.Errorf("a good mapping: %v", errs)
	}
	ctx := context.Background()
	db, staff, ring := importSetup(t)
	store := signups.NewStore(db, nil)
	for name, data := range map[string]string{"liste.pdf": "%PDF", "liste.xlsx": "not a zip", "tom.csv": "\ufeff\r\n"} {
		_, err := store.StageImport(ctx, name, []byte(data), ring, staff, time.Now())
		var ve validate.Errors
		if !errors.As(err, &ve) || !ve.Has("fil") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
