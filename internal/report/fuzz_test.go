package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// expectedText is what a text cell reads back as from the CSV: line breaks as LF, and an
// apostrophe before text a spreadsheet would take for a formula.
func expectedText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	switch {
	case s == "":
	case s[0] == '=', s[0] == '+', s[0] == '-', s[0] == '@', s[0] == '\t', s[0] == '\r':
		return "'" + s
	}
	return s
}

// A table written as CSV reads back with encoding/csv (';', after the byte order mark) as
// one record per row after the header, with every figure a plain number with a decimal comma
// (a suppressed count an empty cell, never its number, and a note) and every text as typed,
// except that no text cell can start a formula. Numbers are not guarded: -3 is a number.
func FuzzWriteCSV(f *testing.F) {
	f.Add("Tema", "Påmeldte", "Angst, uro", 12, 1.5, "Sorg \"og\" tap", 3, uint8(0))
	f.Add("=SUM(A1)", "+1", "=HYPERLINK(\"http://evil.example\";\"klikk\")", 4, -2.0, "@cmd", 0, uint8(1))
	f.Add("-", "\tx", "a\r\nb\rc\nd", 5, 0.0, " leading space", 1, uint8(2))
	f.Add("", "", "", 0, 1e300, "\\.", -1, uint8(3))
	f.Add("\xff", "\x00", "æøå\u2028", 1000000, -0.5, "\"", 2, uint8(4))
	f.Fuzz(func(t *testing.T, col1, col2, label1 string, n1 int, x float64, label2 string, n2 int, decimals uint8) {
		tb := Table{ID: "t", Title: "T", Columns: []string{col1, col2, "tall"},
			Rows: [][]Cell{{Label(label1), People(n1), Count(x, int(decimals%4))}, {Label(label2), People(n2), Count(float64(n2), 0)}}}
		var buf bytes.Buffer
		if err := tb.WriteCSV(&buf, i18n.NB); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		out := buf.String()
		if !strings.HasSuffix(out, "\r\n") || !strings.HasPrefix(out, "\ufeff") {
			t.Errorf("the CSV lacks its BOM or CRLF: %q", out)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v\n%q", err, out)
		}
		want := [][]string{{expectedText(col1), expectedText(col2), "tall", "Merknad"}}
		for _, row := range tb.Rows {
			rec := []string{expectedText(row[0].Text)}
			note := ""
			for _, c := range row[1:] {
				if c.Suppressed() {
					rec = append(rec, "")
					note = expectedText(col2) + ": færre enn 5, ikke vist"
					continue
				}
				rec = append(rec, i18n.Plain(i18n.NB, c.Value, c.Decimals))
			}
			want = append(want, append(rec, note))
		}
		if len(recs) != len(want) {
			t.Fatalf("%d records, want %d: %q", len(recs), len(want), out)
		}
		for i := range want {
			if !slices.Equal(recs[i], want[i]) {
				t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
			}
		}
	})
}
