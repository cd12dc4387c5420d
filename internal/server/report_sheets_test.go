package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/report"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

const bom = "\ufeff"

// reportSheetsApp is a server with the demo data and a small count of people in last year's
// report, its staff (logged in, and their address); year is last year.
func reportSheetsApp(t *testing.T) (app *testApp, staff *client, email string, year int) {
	t.Helper()
	app = newTestApp(t, nil)
	p := app.people(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, app.db); err != nil {
		t.Fatal(err)
	}
	year = time.Now().In(tz.Oslo).Year() - 1
	// A theme with one person placed: a count of people too small to show. SQL: a figure of
	// a year gone by, which no use case writes after the fact.
	theme := app.fixtures(t).Theme("Søvnvansker")
	if _, err := app.db.Exec(ctx, `INSERT INTO placement_waits (year, theme_id, days) VALUES ($1, $2, 12)`, year, theme.ID); err != nil {
		t.Fatal(err)
	}
	return app, app.client(t).login(p.staff.Email), p.staff.Email, year
}

// Must show: every CSV of the report, and the whole report as XLSX, downloaded over HTTP and
// read back as a Norwegian spreadsheet reads them: a byte order mark, ';' between cells,
// CRLF, a decimal comma, numeric columns that parse as numbers (a suppressed count an empty
// cell, its note beside it), and æøå intact.
func TestReportSpreadsheetsReadBack(t *testing.T) {
	t.Parallel()
	app, staff, _, year := reportSheetsApp(t)
	y := strconv.Itoa(year)
	rep, err := report.Build(context.Background(), app.db, year, i18n.NB)
	if err != nil {
		t.Fatal(err)
	}
	_, page := staff.get("/admin/rapport/" + y)
	links := regexp.MustCompile(`/admin/rapport/`+y+`/[a-z0-9-]+\.csv`).FindAllString(page, -1)
	withRows := 0
	for _, tb := range rep.Tables {
		if len(tb.Rows) > 0 {
			withRows++
		}
	}
	if len(links) != withRows || withRows < 8 {
		t.Fatalf("the page links %d CSVs, the report has %d tables with figures", len(links), withRows)
	}
	t.Logf("%d CSVs of %d tables, and the XLSX", len(links), len(rep.Tables))
	seen := map[string]bool{}
	for _, link := range links {
		id := strings.TrimSuffix(link[strings.LastIndex(link, "/")+1:], ".csv")
		tb, _ := rep.Table(id)
		res, body := staff.get(link)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s = %d %s", link, res.StatusCode, res.Header.Get("Content-Type"))
		}
		recs := readNorwegianCSV(t, id, body)
		checkSheetRows(t, id, tb, recs, func(s string) (float64, error) { return parseNorwegian(s) })
		for _, rec := range recs {
			for _, cell := range rec {
				seen["comma"] = seen["comma"] || regexp.MustCompile(`^\d+,\d$`).MatchString(cell)
				seen["Bjørkerommet"] = seen["Bjørkerommet"] || cell == "Bjørkerommet"
				seen["empty"] = seen["empty"] || strings.Contains(cell, "færre enn 5")
			}
		}
	}
	if !seen["comma"] || !seen["Bjørkerommet"] || !seen["empty"] {
		t.Errorf("the CSVs lack a decimal comma, Bjørkerommet or a suppressed cell: %v", seen)
	}

	// The whole report as one workbook, linked from the page.
	xlsx := "/admin/rapport/" + y + "/arsmelding-" + y + ".xlsx"
	if !strings.Contains(page, `href="`+xlsx+`"`) {
		t.Fatalf("the report page does not link %s", xlsx)
	}
	res, book := staff.get(xlsx)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != xlsxType {
		t.Fatalf("xlsx = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	checkWorkbook(t, rep, []byte(book))

	// In English: ',' between cells and a decimal point.
	en := staff.withLang(t, "en")
	_, body := en.get("/admin/rapport/" + y + "/rom.csv")
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, bom)))
	recs, err := r.ReadAll()
	tb, _ := rep.Table("rom")
	if err != nil || !strings.HasPrefix(body, bom) || len(recs) != len(tb.Rows)+1 {
		t.Fatalf("English rom.csv: %v %q", err, body)
	}
	checkSheetRows(t, "rom (en)", tb, recs, func(s string) (float64, error) {
		if strings.Contains(s, ",") {
			return 0, fmt.Errorf("a comma in an English number: %q", s)
		}
		return strconv.ParseFloat(s, 64)
	})
}

// readNorwegianCSV checks the bytes of a CSV (BOM, CRLF only) and reads it strictly with ';':
// every record as long as the header, no stray quotes.
func readNorwegianCSV(t *testing.T, id, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, bom) {
		t.Fatalf("%s: no byte order mark: %q", id, body[:min(len(body), 20)])
	}
	if !strings.HasSuffix(body, "\r\n") || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Errorf("%s: not CRLF: %q", id, body)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, bom)))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %v %q", id, err, body)
	}
	if len(recs[0]) < 2 {
		t.Fatalf("%s: one column: the separator is not ';': %q", id, recs[0])
	}
	return recs
}

// parseNorwegian reads a number as a Norwegian spreadsheet does: a decimal comma, never a
// point, no spaces.
func parseNorwegian(s string) (float64, error) {
	if strings.ContainsAny(s, ". \u00a0\u202f") {
		return 0, fmt.Errorf("%q is text to a Norwegian spreadsheet", s)
	}
	return strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
}

// checkSheetRows holds the records of a table's CSV to the table: labels as they are, every
// figure a number equal to the table's (to its decimals), a suppressed count empty with a
// note naming its column.
func checkSheetRows(t *testing.T, id string, tb report.Table, recs [][]string, parse func(string) (float64, error)) {
	t.Helper()
	if len(recs) != len(tb.Rows)+1 {
		t.Fatalf("%s: %d records for %d rows", id, len(recs), len(tb.Rows))
	}
	for i, row := range tb.Rows {
		rec := recs[i+1]
		note := rec[len(rec)-1]
		for j, c := range row {
			switch {
			case !c.Number:
				if rec[j] != c.Text {
					t.Errorf("%s row %d: label %q, want %q", id, i, rec[j], c.Text)
				}
			case c.Suppressed():
				if rec[j] != "" || !strings.Contains(note, recs[0][j]) {
					t.Errorf("%s row %d: a suppressed cell %q, note %q", id, i, rec[j], note)
				}
			default:
				v, err := parse(rec[j])
				want, _ := strconv.ParseFloat(strconv.FormatFloat(c.Value, 'f', c.Decimals, 64), 64) // rounded half to even
				if err != nil || math.Abs(v-want) > 1e-9 {
					t.Errorf("%s row %d col %d: %q (%v), want %v", id, i, j, rec[j], err, want)
				}
			}
		}
	}
}

// checkWorkbook reads the XLSX with excelize: an about sheet, then one sheet per table with
// its header frozen, figures as number cells with a number format, suppressed counts empty.
func checkWorkbook(t *testing.T, rep report.Report, book []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	names := f.GetSheetList()
	if len(names) != len(rep.Tables)+1 {
		t.Fatalf("%d sheets for %d tables: %q", len(names), len(rep.Tables), names)
	}
	for k, tb := range rep.Tables {
		name := names[k+1]
		panes, err := f.GetPanes(name)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v %v", name, panes, err)
		}
		rows, err := f.GetRows(name)
		if err != nil || len(rows) == 0 || rows[0][0] != tb.Columns[0] {
			t.Fatalf("%s: %q %v", name, rows, err)
		}
		for i, row := range tb.Rows {
			for j, c := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
				raw, _ := f.GetCellValue(name, cell, excelize.Options{RawCellValue: true})
				typ, _ := f.GetCellType(name, cell)
				switch {
				case !c.Number:
					if raw != c.Text {
						t.Errorf("%s!%s = %q, want %q", name, cell, raw, c.Text)
					}
				case c.Suppressed():
					if raw != "" {
						t.Errorf("%s!%s holds a suppressed count %q", name, cell, raw)
					}
				default:
					v, err := strconv.ParseFloat(raw, 64)
					style, _ := f.GetCellStyle(name, cell)
					s, _ := f.GetStyle(style)
					if err != nil || math.Abs(v-c.Value) > math.Pow10(-c.Decimals) || typ == excelize.CellTypeSharedString ||
						typ == excelize.CellTypeInlineString || s == nil || s.CustomNumFmt == nil || !strings.HasPrefix(*s.CustomNumFmt, "#,##0") {
						t.Errorf("%s!%s = %q (type %v, style %+v), want the number %v", name, cell, raw, typ, s, c.Value)
					}
				}
			}
		}
	}
}

// withLang gives c's cookies the language l.
func (c *client) withLang(t *testing.T, l string) *client {
	t.Helper()
	u, _ := url.Parse(c.app.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: l, Path: "/"}})
	return c
}

var (
	tagsAndScripts = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	// norwegianDate is a date (31.12.2026) or a time of day (kl. 18.30, kl. 10.00–15.00, a
	// table's 17.00–18.30), which Norwegian writes with points.
	norwegianDate = regexp.MustCompile(`\b\d{1,2}\.\d{1,2}\.\d{4}\b|kl\. \d{2}\.\d{2}(?:–\d{2}\.\d{2})?\b|\b\d{2}\.\d{2}–\d{2}\.\d{2}\b`)
	decimalPoint  = regexp.MustCompile(`\d\.\d`)
	decimalComma  = regexp.MustCompile(`\d,\d`)
)

// visibleText is the text of an HTML page a reader sees: no tags (and so no attributes or
// URLs), scripts or styles, entities decoded.
func visibleText(page string) string {
	return html.UnescapeString(tagsAndScripts.ReplaceAllString(page, " "))
}

// Must show: no decimal point on a Norwegian page. The report of last year and this year and
// the dashboard, rendered for logged-in staff in Norwegian, hold no point between digits in
// their visible text, other than in a date (31.12.2026) or a time (kl. 18.30, 17.00–18.30); the report
// does hold decimals, with a comma.
func TestNorwegianPagesHaveNoDecimalPoint(t *testing.T) {
	t.Parallel()
	_, staff, _, year := reportSheetsApp(t)
	commas := 0
	for _, path := range []string{"/admin", "/admin/rapport/" + strconv.Itoa(year), "/admin/rapport/" + strconv.Itoa(year+1)} {
		res, body := staff.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d", path, res.StatusCode)
		}
		text := norwegianDate.ReplaceAllString(visibleText(body), "")
		for _, m := range decimalPoint.FindAllStringIndex(text, -1) {
			t.Errorf("%s: a decimal point in %q", path, text[max(m[0]-40, 0):min(m[1]+40, len(text))])
		}
		commas += len(decimalComma.FindAllString(text, -1))
	}
	if commas == 0 {
		t.Error("no decimal comma on the pages: the check above proved nothing")
	}
}
