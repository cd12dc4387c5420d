package report

import (
	"io"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
)

// WriteXLSX writes the whole report as one workbook in language l: a first sheet that names
// the report and says how small counts are handled, then one sheet per table (Table.Sheet:
// figures as numbers with a number format, a suppressed count an empty cell with a note),
// each with its header frozen.
func (r Report) WriteXLSX(w io.Writer, l i18n.Lang) error {
	title := i18n.Translate(l, "report.title", "Year", r.Year)
	about := sheet.Sheet{Name: title, Header: []string{title}, Rows: [][]any{
		{i18n.Translate(l, "report.lead")},
		{i18n.Translate(l, "sheet.note.about", "N", strconv.Itoa(SmallCell))},
		{i18n.Translate(l, "report.small")},
	}}
	sheets := []sheet.Sheet{about}
	for _, t := range r.Tables {
		sheets = append(sheets, t.Sheet(l))
	}
	return sheet.WriteWorkbook(w, sheets)
}
