package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestSmallCellsAreSuppressed(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 1: "< 5", 4: "< 5", 5: "5", 12: "12"} {
		if got := People(n).Shown(); got != want {
			t.Errorf("People(%d) = %q, want %q", n, got, want)
		}
	}
	if Count(3, 0).Shown() != "3" {
		t.Error("a count of things was suppressed")
	}
}

func TestCSVParsesAndKeepsSuppression(t *testing.T) {
	t.Parallel()
	tb := Table{ID: "tema", Title: "Tema", Columns: []string{"Tema", "Påmeldte"},
		Rows: [][]Cell{{Label("Angst, uro"), People(12)}, {Label(`Sorg "og" tap`), People(3)}}}
	var buf bytes.Buffer
	if err := tb.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][0] != "Angst, uro" || recs[2][0] != `Sorg "og" tap` || recs[2][1] != "< 5" {
		t.Errorf("csv: %q %v", recs, err)
	}
}

func TestBarChartIsAccessibleAndHidesSmallCells(t *testing.T) {
	t.Parallel()
	tb := Table{ID: "tema", Title: "Påmeldte per tema", Columns: []string{"Tema", "Påmeldte"},
		Rows: [][]Cell{{Label("Angst"), People(12)}, {Label("Sorg"), People(3)}}}
	svg := tb.BarChart(1, "Angst 12, Sorg færre enn 5")
	for _, want := range []string{`role="img"`, `<title id="graf-tema-t">Påmeldte per tema</title>`, `<desc id="graf-tema-d">`, `aria-labelledby="graf-tema-t graf-tema-d"`, "&lt; 5"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, ">3<") {
		t.Error("the chart shows a suppressed figure")
	}
}
