package sheet_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
)

func TestReadCSVAsSpreadsheetsWriteIt(t *testing.T) {
	t.Parallel()
	for name, data := range map[string][]byte{
		"utf-8 with BOM, semicolons": []byte("\xef\xbb\xbfFornavn;Merknad\r\nÅse;\"a; b\"\r\n\r\nBjørn;x\r\n"),
		"utf-8, commas":              []byte("Fornavn,Merknad\nÅse,\"a; b\"\n\nBjørn,x\n"),
		"windows-1252, semicolons":   []byte("Fornavn;Merknad\r\n\xc5se;\"a; b\"\r\n\r\nBj\xf8rn;x\r\n"),
	} {
		tab, err := sheet.Read("liste.csv", data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(tab.Header, []string{"Fornavn", "Merknad"}) || len(tab.Rows) != 2 ||
			tab.Rows[0][0] != "Åse" || tab.Rows[0][1] != "a; b" || tab.Rows[1][0] != "Bjørn" || !slices.Equal(tab.Lines, []int{2, 4}) {
			t.Errorf("%s: %+v", name, tab)
		}
	}
	if _, err := sheet.Read("liste.ods", []byte("x")); !errors.Is(err, sheet.ErrKind) {
		t.Errorf("an .ods: %v", err)
	}
	if _, err := sheet.Read("liste.csv", make([]byte, sheet.MaxBytes+1)); !errors.Is(err, sheet.ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
}

var (
	header = []string{"Fornavn", "Telefon", "Venter siden"}
	day    = time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC)
	rows   = [][]any{{"=HYPERLINK(\"x\")", "+4748123456", day}, {"Åse; \"Kari\"", "@sum", time.Time{}}}
)

// The CSV read back: byte order mark, ';', CRLF, Norwegian dates, formulas defused.
func TestWriteCSVReadBack(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sheet.WriteCSV(&buf, i18n.NB, header, rows); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\xef\xbb\xbf") || strings.Count(raw, "\r\n") != 3 {
		t.Fatalf("no BOM or not CRLF: %q", raw)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\xef\xbb\xbf")))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{header, {"'=HYPERLINK(\"x\")", "'+4748123456", "09.03.2025"}, {"Åse; \"Kari\"", "'@sum", ""}}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// The XLSX read back: a header, text as text, a real date cell shown dd.mm.yyyy, the header
// frozen and an autofilter over it.
func TestWriteXLSXReadBack(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sheet.WriteXLSX(&buf, "Venteliste", header, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	got, err := f.GetRows("Venteliste")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0], header) || got[1][0] != "=HYPERLINK(\"x\")" || got[1][2] != "09.03.2025" {
		t.Errorf("rows: %q", got)
	}
	if formula, _ := f.GetCellFormula("Venteliste", "A2"); formula != "" {
		t.Errorf("A2 is a formula: %s", formula)
	}
	raw, _ := f.GetCellValue("Venteliste", "C2", excelize.Options{RawCellValue: true})
	if raw != "45725" { // 9 March 2025 as Excel counts days
		t.Errorf("C2 holds %q, not a date serial", raw)
	}
	style, _ := f.GetCellStyle("Venteliste", "C2")
	s, err := f.GetStyle(style)
	if err != nil || s.CustomNumFmt == nil || *s.CustomNumFmt != "dd.mm.yyyy" {
		t.Errorf("C2's format: %+v %v", s, err)
	}
	if typ, _ := f.GetCellType("Venteliste", "B2"); typ == excelize.CellTypeNumber {
		t.Errorf("the phone number is a number")
	}
	panes, err := f.GetPanes("Venteliste")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes: %+v %v", panes, err)
	}
	names := f.GetDefinedName()
	if !slices.ContainsFunc(names, func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, "$A$1:$C$1")
	}) {
		t.Errorf("no autofilter: %+v", names)
	}
}

// Figures: a decimal comma and ';' in Norwegian, a point and ',' in English, nothing between
// thousands, an empty cell for nil; in the workbook numbers are numbers with a format of
// their decimals, and sheet names are cleaned and unique.
func TestFiguresPerLanguage(t *testing.T) {
	t.Parallel()
	head := []string{"Rom", "Timer", "Andel", "Merknad"}
	figures := [][]any{{"Bjørkerommet", sheet.Number{Value: 1234.5, Decimals: 1}, sheet.Number{Value: 2.125, Decimals: 1}, nil}}
	for l, want := range map[i18n.Lang]string{
		i18n.NB: "\xef\xbb\xbfRom;Timer;Andel;Merknad\r\nBjørkerommet;1234,5;2,1;\r\n",
		i18n.EN: "\xef\xbb\xbfRom,Timer,Andel,Merknad\r\nBjørkerommet,1234.5,2.1,\r\n",
	} {
		var buf bytes.Buffer
		if err := sheet.WriteCSV(&buf, l, head, figures); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("%s: %q, want %q", l, buf.String(), want)
		}
	}
	var buf bytes.Buffer
	err := sheet.WriteWorkbook(&buf, []sheet.Sheet{{Name: "Hvor hørte de om oss?", Header: head, Rows: figures},
		{Name: "Hvor hørte de om oss", Header: head}, {Name: strings.Repeat("x", 40), Header: head}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Hvor hørte de om oss", "Hvor hørte de om oss (2)", strings.Repeat("x", 31)}) {
		t.Errorf("sheets: %q", got)
	}
	raw, _ := f.GetCellValue("Hvor hørte de om oss", "B2", excelize.Options{RawCellValue: true})
	typ, _ := f.GetCellType("Hvor hørte de om oss", "B2")
	style, _ := f.GetCellStyle("Hvor hørte de om oss", "B2")
	s, _ := f.GetStyle(style)
	if raw != "1234.5" || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || s.CustomNumFmt == nil || *s.CustomNumFmt != "#,##0.0" {
		t.Errorf("B2 = %q type %v style %+v", raw, typ, s)
	}
	if v, _ := f.GetCellValue("Hvor hørte de om oss", "D2"); v != "" {
		t.Errorf("a nil cell holds %q", v)
	}
}
