package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// A cell written by WriteCSV, WriteXLSX and WriteWorkbook is a string, a Number, a date (a
// time.Time whose date in its own location is meant; the zero time is an empty cell), or nil
// (an empty cell: a figure that is left out, with the reason in a note column).

// Number is a figure: a number in the file (never text), shown with Decimals decimals.
type Number struct {
	Value    float64
	Decimals int
}

// Sheet is one sheet of a workbook: its name (shortened and cleaned to what Excel takes),
// the header row and the rows below it.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// Defuse makes a text cell harmless to a spreadsheet: one that begins like a formula (=, +,
// -, @, or a tab or carriage return before them) gets a leading apostrophe, so that it is
// shown as typed instead of being run (CSV injection).
func Defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Comma is the cell separator of a CSV in l: ';' in Norwegian, where ',' is the decimal
// sign (and what Norwegian Excel expects), ',' in English.
func Comma(l i18n.Lang) rune {
	if l == i18n.EN {
		return ','
	}
	return ';'
}

// WriteCSV writes a CSV the way a spreadsheet in language l opens it without an import
// dialogue: UTF-8 with a byte order mark (so Excel reads it as UTF-8), Comma(l) between
// cells, CRLF line ends, numbers plain with the language's decimal sign (2,5 or 2.5), dates
// as 31.12.2026 (Norwegian) or 2026-12-31, and every text cell defused.
func WriteCSV(w io.Writer, l i18n.Lang, header []string, rows [][]any) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	sep := string(Comma(l))
	line := make([]string, 0, len(header))
	write := func(cells []string) error {
		for i, c := range cells {
			if strings.ContainsAny(c, "\""+sep+"\r\n") {
				cells[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
		}
		_, err := io.WriteString(w, strings.Join(cells, sep)+"\r\n")
		return err
	}
	for _, h := range header {
		line = append(line, Defuse(h))
	}
	if err := write(line); err != nil {
		return err
	}
	for _, row := range rows {
		line = line[:0]
		for _, c := range row {
			line = append(line, csvCell(l, c))
		}
		if err := write(line); err != nil {
			return err
		}
	}
	return nil
}

func csvCell(l i18n.Lang, c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case Number:
		return i18n.Plain(l, v.Value, v.Decimals)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		if l == i18n.EN {
			return v.Format(time.DateOnly)
		}
		return v.Format("02.01.2006")
	case string:
		return Defuse(v)
	default:
		return Defuse(fmt.Sprint(v))
	}
}

// WriteXLSX writes a workbook of one sheet named name (WriteWorkbook).
func WriteXLSX(w io.Writer, name string, header []string, rows [][]any) error {
	return WriteWorkbook(w, []Sheet{{Name: name, Header: header, Rows: rows}})
}

// WriteWorkbook writes an XLSX with one sheet per s: a bold header row that stays in view
// (frozen) with an autofilter, text cells as text (never formulas), numbers as numbers with
// a number format of their decimals, and dates as real date cells shown dd.mm.yyyy.
func WriteWorkbook(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	used := map[string]bool{}
	for i, s := range sheets {
		name := sheetName(s.Name, used)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err == nil {
			err = st.write(f, name, s)
		}
		if err != nil {
			return fmt.Errorf("sheet: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	return nil
}

// styles are the cell styles of a workbook: the header's, dates', and numbers' by decimals.
type styles struct {
	bold, date int
	numbers    map[int]int
}

func newStyles(f *excelize.File) (*styles, error) {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateFormat := "dd.mm.yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return nil, err
	}
	return &styles{bold: bold, date: date, numbers: map[int]int{}}, nil
}

// number is the style of a number with decimals decimals: #,##0.0 and so on, which each
// spreadsheet shows with its own locale's signs.
func (st *styles) number(f *excelize.File, decimals int) (int, error) {
	if id, ok := st.numbers[decimals]; ok {
		return id, nil
	}
	format := "#,##0"
	if decimals > 0 {
		format += "." + strings.Repeat("0", decimals)
	}
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	st.numbers[decimals] = id
	return id, err
}

func (st *styles) write(f *excelize.File, name string, s Sheet) error {
	for i, h := range s.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(name, cell, h); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(max(len(s.Header), 1), 1)
	if err := f.SetCellStyle(name, "A1", last, st.bold); err != nil {
		return err
	}
	for r, row := range s.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := st.cell(f, name, cell, v); err != nil {
				return err
			}
		}
	}
	if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return err
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i := range s.Header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		width := 18.0
		if i == 0 || i == len(s.Header)-1 {
			width = 36 // labels, and a note column
		}
		_ = f.SetColWidth(name, col, col, width)
	}
	return nil
}

func (st *styles) cell(f *excelize.File, name, cell string, v any) error {
	switch v := v.(type) {
	case nil:
		return nil
	case Number:
		style, err := st.number(f, v.Decimals)
		if err != nil {
			return err
		}
		if err := f.SetCellFloat(name, cell, v.Value, v.Decimals, 64); err != nil {
			return err
		}
		return f.SetCellStyle(name, cell, cell, style)
	case time.Time:
		if v.IsZero() {
			return nil
		}
		day := time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		if err := f.SetCellValue(name, cell, day); err != nil {
			return err
		}
		return f.SetCellStyle(name, cell, cell, st.date)
	case string:
		return f.SetCellStr(name, cell, v)
	default:
		return f.SetCellValue(name, cell, v)
	}
}

// sheetName makes name a sheet name Excel takes, unique among used: none of : \ / ? * [ ],
// not starting or ending with an apostrophe, at most 31 characters.
func sheetName(name string, used map[string]bool) string {
	name = strings.Trim(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return -1
		}
		return r
	}, name), "' ")
	if name == "" {
		name = "Ark"
	}
	base := truncate(name, 31)
	name = base
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = truncate(base, 31-len(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
