// Package report builds the annual report (årsmelding) the centre writes for Oslo kommune and
// its funders: tables of yearly figures, each also drawn as an accessible SVG chart and
// exported as CSV and, the whole report, as XLSX. Figures about people below SmallCell are
// shown as "< 5", so nobody can be recognised from a small number; in the spreadsheets such
// a cell is empty and a note column says why, so the column stays numeric.
package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
)

// SmallCell is the smallest count of people shown as it is.
const SmallCell = 5

// Cell is one figure of a table: a count of people (suppressed under SmallCell), another
// number, or text.
type Cell struct {
	Text     string // a label, or the number written plainly ("2.5"), not for pages (In)
	Value    float64
	Decimals int
	People   bool // a count of people: suppressed when 0 < Value < SmallCell
	Number   bool
}

// Label is a text cell.
func Label(s string) Cell { return Cell{Text: s} }

// People is a count of people.
func People(n int) Cell {
	return Cell{Text: strconv.Itoa(n), Value: float64(n), People: true, Number: true}
}

// Count is a count of things (groups, loans, hours), never suppressed.
func Count(n float64, decimals int) Cell {
	return Cell{Text: strconv.FormatFloat(n, 'f', decimals, 64), Value: n, Decimals: decimals, Number: true}
}

// Suppressed reports whether the cell hides its figure.
func (c Cell) Suppressed() bool { return c.People && c.Value > 0 && c.Value < SmallCell }

// Shown is the cell as plain text, the same in every language: "< 5" for a suppressed
// count, a number with a decimal point. Pages show In instead.
func (c Cell) Shown() string {
	if c.Suppressed() {
		return "< " + strconv.Itoa(SmallCell)
	}
	return c.Text
}

// In is the cell as language l writes it on a page: a number through i18n.Number (2,5 and
// 1 234 in Norwegian), "< 5" for a suppressed count, a label as it is.
func (c Cell) In(l i18n.Lang) string {
	switch {
	case c.Suppressed():
		return "< " + i18n.Int(l, SmallCell)
	case c.Number:
		return i18n.Number(l, c.Value, c.Decimals)
	}
	return c.Text
}

// Table is one table of the report; its first column labels the rows.
type Table struct {
	ID      string // the section's id, also the CSV file's name
	Title   string
	Columns []string
	Rows    [][]Cell
}

// Sheet is the table for a spreadsheet in language l: labels as text (defused by the
// writer), figures as numbers, a suppressed count as an empty cell. A table that counts
// people gets a last column, a note, which names the columns of the row left empty because
// they counted fewer than SmallCell people.
func (t Table) Sheet(l i18n.Lang) sheet.Sheet {
	s := sheet.Sheet{Name: t.Title}
	for _, c := range t.Columns {
		s.Header = append(s.Header, csvText(c))
	}
	notes := false
	for _, row := range t.Rows {
		for _, c := range row {
			notes = notes || c.People
		}
	}
	if notes {
		s.Header = append(s.Header, i18n.Translate(l, "sheet.note"))
	}
	for _, row := range t.Rows {
		out := make([]any, 0, len(s.Header))
		var hidden []string
		for i, c := range row {
			switch {
			case c.Suppressed():
				out = append(out, nil)
				if i < len(t.Columns) {
					hidden = append(hidden, s.Header[i])
				}
			case c.Number:
				out = append(out, sheet.Number{Value: c.Value, Decimals: c.Decimals})
			default:
				out = append(out, csvText(c.Text))
			}
		}
		if notes {
			note := ""
			if len(hidden) > 0 {
				note = i18n.Translate(l, "sheet.note.small", "Columns", strings.Join(hidden, ", "), "N", SmallCell)
			}
			out = append(out, note)
		}
		s.Rows = append(s.Rows, out)
	}
	return s
}

// WriteCSV writes the table as CSV for a spreadsheet in language l (sheet.WriteCSV: UTF-8
// with a byte order mark, ';' and a decimal comma in Norwegian, CRLF), the figures as plain
// numbers, a suppressed count empty with a note (Sheet). Text that a spreadsheet would run
// as a formula is guarded.
func (t Table) WriteCSV(w io.Writer, l i18n.Lang) error {
	s := t.Sheet(l)
	return sheet.WriteCSV(w, l, s.Header, s.Rows)
}

// csvText keeps line breaks in a text cell readable after a round trip: a CR, alone or
// before LF, becomes a LF (encoding/csv drops a lone CR).
func csvText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
