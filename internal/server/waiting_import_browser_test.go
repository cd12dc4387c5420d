package server

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show (issue 19): staff upload a waiting list, see the preview with each bad row's
// problem, get a wrong column mapping refused next to its column, import, and read the
// report; the imported wait for a call on their own list, where staff confirm one's consent.
// axe-core finds no violation on the upload page, the preview with its errors, the report,
// the list of imported people and the waiting list with its download buttons.
func TestImportInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	angst := app.importFixture(t)
	file, err := filepath.Abs("../signups/testdata/import/venteliste.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)

	got := staff.Go(t, app.URL+"/admin/venteliste")
	if !strings.Contains(got.Text, "Last ned CSV") || !strings.Contains(got.Text, "Importer venteliste") {
		t.Fatalf("the waiting list: %s", got.Text)
	}
	got = staff.Click(t, "a[href='/admin/venteliste/import']")
	if !strings.Contains(got.Text, "Filen lagres ikke") {
		t.Fatalf("the import page: %s", got.Text)
	}
	got = staff.Click(t, "main form button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Velg en fil å laste opp.") {
		t.Fatalf("no file: %s", got.Text)
	}
	staff.Upload(t, "felt-fil", file)
	got = staff.Click(t, "main form button[type=submit]")
	for _, want := range []string{"80 rader: 60 kan importeres, 20 har problemer", "Ukjent tema", "Ukjent gruppe",
		"Ugyldig dato", "Mangler e-post og telefon", "Ugyldig e-postadresse", "Ugyldig telefonnummer",
		"Samme person som på linje 24 i filen", "Finnes allerede", "Mangler navn", "Kolonne 1: Navn"} {
		if !strings.Contains(got.Text, want) {
			t.Fatalf("the preview lacks %q: %s", want, got.Text)
		}
	}
	got = staff.Click(t, "a[href$='?vis=feil']")
	if strings.Contains(got.Text, "Kan importeres") || !strings.Contains(got.Text, "Hoppet over") {
		t.Fatalf("only the bad rows: %s", got.Text)
	}

	// The e-mail column chosen as the name too: refused next to the column, kept as chosen.
	staff.SetValue(t, "felt-kol-1", "name")
	got = staff.Click(t, "form[action$='/kolonner'] button[type=submit]", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Denne verdien er valgt for en annen kolonne også.") {
		t.Fatalf("a field twice: %s", got.Text)
	}
	if v := staff.Eval(t, `document.getElementById("felt-kol-1").value`); v != "name" {
		t.Errorf("the choice was not kept: %q", v)
	}
	staff.SetValue(t, "felt-kol-1", "email")
	got = staff.Click(t, "form[action$='/kolonner'] button[type=submit]")
	if !strings.Contains(got.Text, "Kolonnene er lagret") {
		t.Fatalf("after the mapping: %s", got.Text)
	}

	got = staff.Click(t, "form[action$='/importer'] button[type=submit]")
	if !strings.Contains(got.Text, "60 personer ble importert. 20 rader ble hoppet over.") || !strings.Contains(got.Text, "Importrapport") {
		t.Fatalf("the report: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM participants WHERE imported_at IS NOT NULL`); n != 60 {
		t.Errorf("%d imported", n)
	}

	got = staff.Go(t, app.URL+"/admin/venteliste?tema="+itoa(angst))
	if !strings.Contains(got.Text, "Importert – bekreft samtykke") || !strings.Contains(got.Text, "Last ned Excel") {
		t.Fatalf("the theme's list: %s", got.Text)
	}
	// The person's page says what to do, and confirms there too.
	person := app.count(t, `SELECT min(id) FROM participants WHERE imported_at IS NOT NULL`)
	got = staff.Go(t, app.URL+"/admin/deltakere/"+itoa(int64(person)))
	if !strings.Contains(got.Text, "Importert – bekreft samtykke") || !strings.Contains(got.Text, "Ring dem én gang") {
		t.Fatalf("the person's page: %s", got.Text)
	}
	got = staff.Click(t, "form[action$='/samtykke'] button[type=submit]")
	if !strings.Contains(got.Text, "Samtykket er bekreftet") || strings.Contains(got.Text, "Ring dem én gang") {
		t.Fatalf("after confirming on the person's page: %s", got.Text)
	}
	got = staff.Go(t, app.URL+"/admin/venteliste/importerte")
	if !strings.Contains(got.Text, "Side 1 av 3 (59 i alt)") {
		t.Fatalf("the imported: %s", got.Text)
	}
	got = staff.Click(t, "main table form button[type=submit]")
	if !strings.Contains(got.Text, "Samtykket er bekreftet") {
		t.Fatalf("after confirming: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM participants WHERE consent_confirmed_at IS NOT NULL AND consent_confirmed_by = $1`, p.staff.ID); n != 2 {
		t.Errorf("%d confirmed", n)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action IN ('import.uploaded', 'import.done', 'participant.consent_confirmed')`); n != 4 {
		t.Errorf("%d audit lines of the upload, the import and the consent", n)
	}
}
