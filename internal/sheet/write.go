package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// A cell written by WriteCSV and WriteXLSX is a string or a date (a time.Time whose date in
// its own location is meant; the zero time is an empty cell).

// Defuse makes a text cell harmless to a spreadsheet: one that begins like a formula (=, +,
// -, @, or a tab or carriage return before them) gets a leading apostrophe, so that it is
// shown as typed instead of being run (CSV injection).
func Defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes a CSV for a Norwegian spreadsheet: UTF-8 with a byte order mark (so Excel
// reads it as UTF-8), ';' between cells, CRLF line ends, dates as 31.12.2026, and every text
// cell defused.
func WriteCSV(w io.Writer, header []string, rows [][]any) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	line := make([]string, 0, len(header))
	write := func(cells []string) error {
		for i, c := range cells {
			if strings.ContainsAny(c, "\";\r\n") {
				cells[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
		}
		_, err := io.WriteString(w, strings.Join(cells, ";")+"\r\n")
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
			line = append(line, csvCell(c))
		}
		if err := write(line); err != nil {
			return err
		}
	}
	return nil
}

func csvCell(c any) string {
	switch v := c.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format("02.01.2006")
	case string:
		return Defuse(v)
	default:
		return Defuse(fmt.Sprint(v))
	}
}

// WriteXLSX writes one sheet named name: a bold header row that stays in view (frozen) with
// an autofilter, text cells as text (never formulas), and dates as real date cells shown
// dd.mm.yyyy.
func WriteXLSX(w io.Writer, name string, header []string, rows [][]any) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	dateFormat := "dd.mm.yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(name, cell, h); err != nil {
			return fmt.Errorf("sheet: %w", err)
		}
	}
	last, _ := excelize.CoordinatesToCellName(max(len(header), 1), 1)
	if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			switch v := v.(type) {
			case time.Time:
				if v.IsZero() {
					continue
				}
				day := time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
				if err = f.SetCellValue(name, cell, day); err == nil {
					err = f.SetCellStyle(name, cell, cell, date)
				}
			case string:
				err = f.SetCellStr(name, cell, v)
			default:
				err = f.SetCellValue(name, cell, v)
			}
			if err != nil {
				return fmt.Errorf("sheet: %w", err)
			}
		}
	}
	if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	for i := range header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(name, col, col, 18)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	return nil
}
