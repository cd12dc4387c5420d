package report

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
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

// A suppressed count is an empty cell with a note, so the column stays numeric; Norwegian
// uses ';' and a decimal comma, English ',' and a point.
func TestCSVEmptiesSuppressedCellsWithANote(t *testing.T) {
	t.Parallel()
	tb := Table{ID: "tema", Title: "Tema", Columns: []string{"Tema", "Påmeldte", "Timer"},
		Rows: [][]Cell{{Label("Angst, uro"), People(12), Count(2.5, 1)}, {Label(`Sorg "og" tap`), People(3), Count(1234, 0)}}}
	for l, want := range map[i18n.Lang][][]string{
		i18n.NB: {{"Tema", "Påmeldte", "Timer", "Merknad"}, {"Angst, uro", "12", "2,5", ""}, {`Sorg "og" tap`, "", "1234", "Påmeldte: færre enn 5, ikke vist"}},
		i18n.EN: {{"Tema", "Påmeldte", "Timer", "Note"}, {"Angst, uro", "12", "2.5", ""}, {`Sorg "og" tap`, "", "1234", "Påmeldte: fewer than 5, not shown"}},
	} {
		var buf bytes.Buffer
		if err := tb.WriteCSV(&buf, l); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
		r.Comma = sheet.Comma(l)
		recs, err := r.ReadAll()
		if err != nil || !reflect.DeepEqual(recs, want) {
			t.Errorf("%s: %q %v, want %q", l, recs, err, want)
		}
	}
}

// A table without counts of people has no note column.
func TestNoNoteWithoutPeople(t *testing.T) {
	t.Parallel()
	tb := Table{Columns: []string{"Rom", "Timer"}, Rows: [][]Cell{{Label("Bjørk"), Count(3, 0)}}}
	if s := tb.Sheet(i18n.NB); len(s.Header) != 2 || len(s.Rows[0]) != 2 {
		t.Errorf("sheet: %+v", s)
	}
}

func TestBarChartIsAccessibleAndHidesSmallCells(t *testing.T) {
	t.Parallel()
	tb := Table{ID: "tema", Title: "Påmeldte per tema", Columns: []string{"Tema", "Påmeldte"},
		Rows: [][]Cell{{Label("Angst"), People(12)}, {Label("Sorg"), People(3)}}}
	svg := tb.BarChart(1, "Angst 12, Sorg færre enn 5", i18n.NB)
	for _, want := range []string{`role="img"`, `<title id="graf-tema-t">Påmeldte per tema</title>`, `<desc id="graf-tema-d">`, `aria-labelledby="graf-tema-t graf-tema-d"`, "&lt; 5"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, ">3<") {
		t.Error("the chart shows a suppressed figure")
	}
}

// Numbers on a page are written as the language writes them.
func TestCellsInEachLanguage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cell   Cell
		nb, en string
	}{
		{Count(2.14, 1), "2,1", "2.1"}, {Count(12345, 0), "12\u202f345", "12,345"},
		{People(3), "< 5", "< 5"}, {People(1500), "1\u202f500", "1,500"}, {Label("Bjørk 2.1"), "Bjørk 2.1", "Bjørk 2.1"},
	} {
		if got := c.cell.In(i18n.NB); got != c.nb {
			t.Errorf("nb %q, want %q", got, c.nb)
		}
		if got := c.cell.In(i18n.EN); got != c.en {
			t.Errorf("en %q, want %q", got, c.en)
		}
	}
}

// The label column is as wide as the longest label up to a limit; a longer label wraps onto
// lines each narrower than the column, and no word is lost.
func TestChartLabelsFitOrWrap(t *testing.T) {
	t.Parallel()
	long := "Lege, psykolog eller annet helsepersonell"
	tb := Table{ID: "kilder", Title: "Kilder", Columns: []string{"Svar", "Antall"},
		Rows: [][]Cell{{Label("Venner"), People(12)}, {Label(long), People(40)}}}
	svg := tb.BarChart(1, "", i18n.NB)
	if strings.Count(svg, "<tspan") < 3 || !strings.Contains(svg, ">helsepersonell</tspan>") && !strings.Contains(svg, "helsepersonell</tspan>") {
		t.Errorf("the long label did not wrap:\n%s", svg)
	}
	for _, line := range wrap(long, 120) {
		if textWidth(line, chartFont) > 120 {
			t.Errorf("line %q is %.0f wide", line, textWidth(line, chartFont))
		}
	}
	if got := strings.Join(wrap(long, 120), " "); got != long {
		t.Errorf("wrapped: %q", got)
	}
	short := Table{ID: "k", Rows: [][]Cell{{Label("Ja"), People(7)}}}.BarChart(1, "", i18n.NB)
	if !strings.Contains(short, `<rect x="34" `) { // "Ja" measures 17.4 (ceil 18), then a gap of 16
		t.Errorf("a short label's column is not narrow: %s", short)
	}
}
