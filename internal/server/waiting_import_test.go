package server

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/linkoslo/selvhjelpshuset/internal/fixture"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// importFixture makes what the generated waiting lists of internal/signups name: the themes
// Angst, Sorg and Ensomhet, the group "Samtalegruppe onsdag", and a person with
// finnes@example.org. It returns the theme Angst.
func (a *testApp) importFixture(t *testing.T) int64 {
	t.Helper()
	b := a.fixtures(t)
	angst := b.Theme("Angst")
	b.Theme("Sorg")
	b.Theme("Ensomhet")
	b.Group(fixture.Named("Samtalegruppe onsdag"), fixture.InThemes(angst.ID))
	b.SignUp(signups.Target{ThemeID: angst.ID}, func(f *signups.Form) { f.FirstName, f.Email = "Finn", "finnes@example.org" })
	return angst.ID
}

// upload posts a file to the import as a browser's multipart form does.
func (c *client) upload(name string, data []byte) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("fil", name)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.app.URL+importPath, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// A file that is too large, of another kind or empty is refused next to the file field
// (422); partners cannot reach the import or the downloads.
func TestImportRefusesBadFiles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"stor.csv", bytes.Repeat([]byte("a;b\r\n"), 1<<20+10), "Filen er større enn 5 MB"},
		{"liste.pdf", []byte("%PDF-1.4"), "CSV-fil (.csv) eller en Excel-fil (.xlsx)"},
		{"tom.csv", []byte("\ufeffFornavn;E-post\r\n"), "ingen rader under dem"},
		{"skadet.xlsx", []byte("PK not really"), "Filen kan ikke leses"},
	} {
		res, body := staff.upload(c.name, c.data)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) || !strings.Contains(body, `id="felt-fil-feil"`) {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, body)
		}
	}
	if n := app.count(t, `SELECT count(*) FROM import_batches`); n != 0 {
		t.Errorf("%d batches kept of refused files", n)
	}
	partner := app.client(t).login(p.partnerA.Email)
	for _, path := range []string{importPath, "/admin/venteliste/eksport.csv", "/admin/venteliste/eksport.xlsx", "/admin/venteliste/importerte"} {
		if res, _ := partner.get(path); res.StatusCode != http.StatusForbidden {
			t.Errorf("partner %s: %d", path, res.StatusCode)
		}
	}
	// Someone else's batch is not there for another staff member.
	batch := importPath + "/" + itoa(importBatch(t, staff))
	admin := app.client(t).login(p.admin.Email)
	if res, body := admin.get(batch); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Last den opp på nytt") {
		t.Errorf("another's batch: %d", res.StatusCode)
	}
	if res, _ := staff.get(batch); res.StatusCode != http.StatusOK {
		t.Errorf("one's own batch: %d", res.StatusCode)
	}
}

// The downloads of the waiting list read back: the CSV as a Norwegian spreadsheet reads it,
// the XLSX with excelize, both filtered as the list and audited.
func TestWaitingListDownloads(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	b := app.fixtures(t)
	angst, sorg := b.Theme("Angst"), b.Theme("Sorg")
	b.SignUp(signups.Target{ThemeID: angst.ID}, func(f *signups.Form) {
		f.FirstName, f.Email, f.Phone, f.Note = "=Kari", "kari@example.org", "+4748123456", "Helst kveld; ikke mandag"
	})
	b.SignUp(signups.Target{ThemeID: sorg.ID}, func(f *signups.Form) { f.FirstName, f.Email = "Per", "per@example.org" })
	today := time.Now().In(tz.Oslo)
	staff := app.client(t).login(p.staff.Email)

	res, body := staff.get("/admin/venteliste/eksport.csv?tema=" + itoa(angst.ID))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		!strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "\r\n") {
		t.Fatalf("csv: %d %v %q", res.StatusCode, res.Header, body)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"Fornavn", "E-post", "Telefon", "Tema", "Gruppe", "Venter siden", "Kanal", "Språk", "Merknad", "Importert, samtykke ikke bekreftet"}
	if len(rows) != 2 || !slices.Equal(rows[0], wantHead) {
		t.Fatalf("csv rows: %q", rows)
	}
	want := []string{"'=Kari", "kari@example.org", "'+4748123456", "Angst", "", today.Format("02.01.2006"), "e-post", "norsk", "Helst kveld; ikke mandag", ""}
	if !slices.Equal(rows[1], want) {
		t.Errorf("csv row: %q, want %q", rows[1], want)
	}

	res, body = staff.get("/admin/venteliste/eksport.xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %v", res.StatusCode, res.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sheet := f.GetSheetList()[0]
	got, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !slices.Equal(got[0], wantHead) || got[1][0] != "=Kari" || got[2][0] != "Per" || got[1][5] != today.Format("02.01.2006") {
		t.Fatalf("xlsx rows: %q", got)
	}
	if formula, _ := f.GetCellFormula(sheet, "A2"); formula != "" {
		t.Errorf("A2 is a formula: %q", formula)
	}
	raw, _ := f.GetCellValue(sheet, "F2", excelize.Options{RawCellValue: true})
	serial, err := excelize.ExcelDateToTime(mustFloat(t, raw), false)
	if err != nil || serial.Format(time.DateOnly) != today.Format(time.DateOnly) {
		t.Errorf("F2 is %q (%v), not today's date", raw, serial)
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}
	if n := app.count(t, `SELECT count(*) FROM audit_log WHERE action = 'waiting.exported' AND actor_id = $1
		AND ((details->>'format' = 'csv' AND (details->>'rows')::int = 1 AND (details->>'tema')::bigint = $2)
		  OR (details->>'format' = 'xlsx' AND (details->>'rows')::int = 2 AND details->>'tema' IS NULL))`, p.staff.ID, angst.ID); n != 2 {
		t.Errorf("%d audit lines for the two downloads", n)
	}
	// The list links to the downloads with its filter.
	_, page := staff.get("/admin/venteliste?tema=" + itoa(angst.ID))
	if !strings.Contains(page, `href="/admin/venteliste/eksport.xlsx?tema=`+itoa(angst.ID)+`"`) {
		t.Error("the list does not link to its filtered download")
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is no number: %v", s, err)
	}
	return f
}

// A mapping that names a field twice is refused next to the column and kept as chosen; the
// import then runs with the corrected mapping.
func TestImportMappingOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	app.importFixture(t)
	staff := app.client(t).login(p.staff.Email)
	res, _ := staff.upload("liste.csv", []byte("Hvem;Adresse;Tema\r\nKari;kari@example.org;Angst\r\nOla;ola@example.org;Sorg\r\n"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	batch := res.Header.Get("Location")
	_, body := staff.get(batch)
	if !strings.Contains(body, "Velg hvilken kolonne som har navnet.") && !strings.Contains(body, "Ingen rader kan importeres") {
		t.Fatalf("the unknown headings are not left to staff: %s", body)
	}
	res, body = staff.post(batch+"/kolonner", url.Values{"kolonner": {"3"}, "kol-0": {"name"}, "kol-1": {"name"}, "kol-2": {"theme"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Denne verdien er valgt for en annen kolonne også.") ||
		!strings.Contains(body, `id="felt-kol-1-feil"`) {
		t.Fatalf("twice: %d %s", res.StatusCode, body)
	}
	if res, _ = staff.post(batch+"/kolonner", url.Values{"kolonner": {"3"}, "kol-0": {"name"}, "kol-1": {"email"}, "kol-2": {"theme"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mapping: %d", res.StatusCode)
	}
	if res, _ = staff.post(batch+"/importer", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", res.StatusCode)
	}
	if n := app.count(t, `SELECT count(*) FROM participants WHERE imported_at IS NOT NULL`); n != 2 {
		t.Errorf("%d imported", n)
	}
	_, body = staff.get(batch)
	if !strings.Contains(body, "2 personer ble importert. 0 rader ble hoppet over.") {
		t.Errorf("report: %s", body)
	}
}

// importBatch uploads, as c (a staff member), a small waiting list with a good row and a bad
// one in the demo's theme Angst, for the sweeps of every page and form, and returns its id.
func importBatch(t *testing.T, c *client) int64 {
	t.Helper()
	res, body := c.upload("venteliste.csv", []byte("\ufeffFornavn;E-post;Telefon;Tema;Venter siden\r\n"+
		"Tone;tone.import@example.org;;Angst;01.02.2025\r\nUkjent;;12;Finnes ikke;31.02.2025\r\n"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload = %d\n%.2000s", res.StatusCode, body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), importPath+"/"), 10, 64)
	if err != nil {
		t.Fatalf("upload to %q", res.Header.Get("Location"))
	}
	return id
}
