package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

// expectedText is what a text cell reads back as from the CSV: line breaks as LF, and an
// apostrophe before text a spreadsheet would take for a formula.
func expectedText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	switch {
	case s == "":
	case s[0] == '=', s[0] == '+', s[0] == '-', s[0] == '@', s[0] == '\t':
		return "'" + s
	}
	return s
}

// A table written as CSV reads back with encoding/csv as one record per row after the header,
// with every figure as shown (a suppressed count as "< 5", never its number) and every text as
// typed, except that no text cell can start a formula. Numbers are not guarded: -3 is a number.
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
		if err := tb.WriteCSV(&buf); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		out := buf.String()
		if !strings.HasSuffix(out, "\r\n") {
			t.Errorf("the CSV does not end with CRLF: %q", out)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v\n%q", err, out)
		}
		want := [][]string{{expectedText(col1), expectedText(col2), "tall"}}
		for _, row := range tb.Rows {
			rec := []string{expectedText(row[0].Text)}
			for _, c := range row[1:] {
				rec = append(rec, c.Shown())
			}
			want = append(want, rec)
		}
		if len(recs) != len(want) {
			t.Fatalf("%d records, want %d: %q", len(recs), len(want), out)
		}
		for i := range want {
			if !slices.Equal(recs[i], want[i]) {
				t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
			}
		}
		for i, row := range tb.Rows {
			if row[1].Suppressed() && recs[i+1][1] != "< 5" {
				t.Errorf("a count of %v people is shown as %q", row[1].Value, recs[i+1][1])
			}
		}
	})
}
