// Package sheet reads and writes the spreadsheets staff exchange with the app: CSV as Excel
// and LibreOffice write it (UTF-8 with or without a byte order mark, or Windows-1252; ';' or
// ',' between cells) and XLSX. It knows nothing of what the cells mean.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Kinds of file.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// Limits of what Read takes.
const (
	MaxBytes   = 5 << 20 // the upload
	MaxRows    = 5000    // rows below the header
	MaxColumns = 40
	maxUnzip   = 64 << 20 // an XLSX unpacked: a small file that unpacks to gigabytes is refused
)

// Errors of Read, each a reason to show staff.
var (
	ErrKind     = errors.New("sheet: not a .csv or .xlsx file")
	ErrEmpty    = errors.New("sheet: no header row and no rows")
	ErrTooMany  = errors.New("sheet: too many rows or columns")
	ErrDamaged  = errors.New("sheet: the file cannot be read")
	ErrTooLarge = errors.New("sheet: the file is too large")
)

// Table is a file read: its kind, the header row and the rows below it, each as text. Row i
// of Rows is line (or sheet row) Lines[i] of the file, so a problem can be shown where staff
// will find it; blank rows are left out. Cells of an XLSX come unformatted: a date is its
// serial number ("45302"), as Excel stores it.
type Table struct {
	Kind   string
	Header []string
	Rows   [][]string
	Lines  []int
}

// Read reads the file named name (its extension says the kind).
func Read(name string, data []byte) (Table, error) {
	if len(data) > MaxBytes {
		return Table{}, ErrTooLarge
	}
	var t Table
	var err error
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".txt":
		t, err = readCSV(data)
	case ".xlsx":
		t, err = readXLSX(data)
	default:
		return Table{}, ErrKind
	}
	if err != nil {
		return Table{}, err
	}
	return t, nil
}

// Decode turns the bytes of a text file into UTF-8: without its byte order mark, and from
// Windows-1252 when the bytes are not UTF-8 (what Excel writes as "CSV" on a Norwegian
// Windows).
func Decode(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil { // cannot happen: every byte is a Windows-1252 character
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(s)
}

// Separator guesses the cell separator from the first line: ';' (Norwegian Excel and
// LibreOffice) when it holds more of them than commas, else ','. A separator inside quotes
// is not counted.
func Separator(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	semi, comma, quoted := 0, 0, false
	for _, r := range first {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == ';':
			semi++
		case r == ',':
			comma++
		}
	}
	if semi > comma {
		return ';'
	}
	return ','
}

func readCSV(data []byte) (Table, error) {
	text := Decode(data)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = Separator(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Table{}, fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		line, _ := r.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, line)
		if len(rows) > MaxRows+1 {
			return Table{}, ErrTooMany
		}
	}
	return table(CSV, rows, lines)
}

func readXLSX(data []byte) (Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: maxUnzip})
	if err != nil {
		return Table{}, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Table{}, ErrEmpty
	}
	all, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return Table{}, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if len(all) > MaxRows+1 {
		return Table{}, ErrTooMany
	}
	lines := make([]int, len(all))
	for i := range all {
		lines[i] = i + 1
	}
	return table(XLSX, all, lines)
}

// table takes the first row that is not blank as the header, and leaves out blank rows.
func table(kind string, rows [][]string, lines []int) (Table, error) {
	t := Table{Kind: kind}
	for i, row := range rows {
		for j := range row {
			row[j] = strings.TrimSpace(row[j])
		}
		if blank(row) {
			continue
		}
		if len(row) > MaxColumns {
			return Table{}, ErrTooMany
		}
		if t.Header == nil {
			t.Header = row
			continue
		}
		t.Rows, t.Lines = append(t.Rows, row), append(t.Lines, lines[i])
	}
	if t.Header == nil {
		return Table{}, ErrEmpty
	}
	// Every row as wide as the widest, so a column can be read in each.
	width := len(t.Header)
	for _, row := range t.Rows {
		width = max(width, len(row))
	}
	t.Header = pad(t.Header, width)
	for i := range t.Rows {
		t.Rows[i] = pad(t.Rows[i], width)
	}
	return t, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if c != "" {
			return false
		}
	}
	return true
}

func pad(row []string, n int) []string {
	for len(row) < n {
		row = append(row, "")
	}
	return row
}
