// Package report builds the annual report (årsmelding) the centre writes for Oslo kommune and
// its funders: tables of yearly figures, each also drawn as an accessible SVG chart and
// exported as CSV. Figures about people below SmallCell are shown as "< 5", so nobody can be
// recognised from a small number.
package report

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
)

// SmallCell is the smallest count of people shown as it is.
const SmallCell = 5

// Cell is one figure of a table: a count of people (suppressed under SmallCell), another
// number, or text.
type Cell struct {
	Text   string // a label, or the formatted number
	Value  float64
	People bool // a count of people: suppressed when 0 < Value < SmallCell
	Number bool
}

// Label is a text cell.
func Label(s string) Cell { return Cell{Text: s} }

// People is a count of people.
func People(n int) Cell {
	return Cell{Text: strconv.Itoa(n), Value: float64(n), People: true, Number: true}
}

// Count is a count of things (groups, loans, hours), never suppressed.
func Count(n float64, decimals int) Cell {
	return Cell{Text: strconv.FormatFloat(n, 'f', decimals, 64), Value: n, Number: true}
}

// Suppressed reports whether the cell hides its figure.
func (c Cell) Suppressed() bool { return c.People && c.Value > 0 && c.Value < SmallCell }

// Shown is the text to show: "< 5" for a suppressed count.
func (c Cell) Shown() string {
	if c.Suppressed() {
		return "< " + strconv.Itoa(SmallCell)
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

// WriteCSV writes the table as RFC 4180 CSV in UTF-8, with the figures as shown (a suppressed
// count stays "< 5"). Text that a spreadsheet would run as a formula is guarded (csvText).
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = csvText(c)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = c.Shown()
			if !c.Number {
				rec[i] = csvText(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText makes a text cell safe to open in a spreadsheet. Names come from forms, and one
// that starts with = + - @ or a tab would run as a formula (CSV injection, OWASP): it gets a
// leading apostrophe, which spreadsheets show as text. A CR, alone or before LF, becomes a
// LF: encoding/csv with UseCRLF drops a lone CR, so the cell would not read back.
func csvText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if s != "" && strings.ContainsRune("=+-@\t", rune(s[0])) {
		return "'" + s
	}
	return s
}

// BarChart draws the table's first figure column as horizontal bars: an SVG with role="img",
// a title and a description, for a page that also shows the table. Suppressed figures are
// drawn as no bar and labelled "< 5".
func (t Table) BarChart(column int, description string) string {
	const barH, gap, labelW, width = 22, 8, 180, 560
	height := len(t.Rows)*(barH+gap) + gap
	maxV := 0.0
	for _, row := range t.Rows {
		if column < len(row) && !row[column].Suppressed() && row[column].Value > maxV {
			maxV = row[column].Value
		}
	}
	id := "graf-" + t.ID
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		id, id, width, height)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(t.Title), id, html.EscapeString(description))
	for i, row := range t.Rows {
		if column >= len(row) {
			continue
		}
		y := gap + i*(barH+gap)
		c := row[column]
		w := 0.0
		if maxV > 0 && !c.Suppressed() {
			w = c.Value / maxV * float64(width-labelW-60)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`, labelW-8, y+barH-6, html.EscapeString(row[0].Text))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="chart-bar"/>`, labelW, y, w, barH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-value">%s</text>`, float64(labelW)+w+6, y+barH-6, html.EscapeString(c.Shown()))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
