package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// The chart's geometry, in the units of its viewBox (CSS pixels at full size).
const (
	chartWidth    = 560
	chartFont     = 14  // the labels' font size (app.css: .chart-label, .chart-value)
	chartLine     = 17  // the distance between the lines of a wrapped label
	chartBar      = 22  // a bar's height
	chartGap      = 8   // between rows, and around the chart
	chartMaxLabel = 240 // the widest label column; a longer label wraps
	chartMinBar   = 160 // the room a bar always has
)

// BarChart draws the table's figure column as horizontal bars: an SVG with role="img", a
// title and a description, for a page that also shows the table. Numbers are written as
// language l writes them. The label column is as wide as the longest label, measured in the
// app's font (textWidth), up to chartMaxLabel; a longer label wraps onto more lines, so no
// label is ever cut. Suppressed figures are drawn as no bar and labelled "< 5".
func (t Table) BarChart(column int, description string, l i18n.Lang) string {
	labelW, valueW, maxV := 0.0, 0.0, 0.0
	for _, row := range t.Rows {
		if column >= len(row) {
			continue
		}
		labelW = max(labelW, textWidth(row[0].Text, chartFont))
		valueW = max(valueW, textWidth(row[column].In(l), chartFont))
		if c := row[column]; !c.Suppressed() && c.Value > maxV {
			maxV = c.Value
		}
	}
	labelW = math.Ceil(min(labelW, chartMaxLabel, chartWidth-chartMinBar-valueW-3*chartGap))
	barX := labelW + 2*chartGap
	barMax := chartWidth - barX - valueW - 2*chartGap
	id := "graf-" + t.ID
	var body strings.Builder
	y := float64(chartGap)
	for _, row := range t.Rows {
		if column >= len(row) {
			continue
		}
		lines := wrap(row[0].Text, labelW)
		h := max(chartBar, float64(len(lines)*chartLine+6))
		c := row[column]
		w := 0.0
		if maxV > 0 && !c.Suppressed() {
			w = c.Value / maxV * barMax
		}
		// The first line's baseline: the label block centred on the row.
		base := y + (h-float64(len(lines)*chartLine))/2 + chartLine - 4
		fmt.Fprintf(&body, `<text x="%.0f" y="%.1f" class="chart-label" text-anchor="end">`, labelW+chartGap, base)
		for i, line := range lines {
			dy := 0
			if i > 0 {
				dy = chartLine
			}
			fmt.Fprintf(&body, `<tspan x="%.0f" dy="%d">%s</tspan>`, labelW+chartGap, dy, html.EscapeString(line))
		}
		body.WriteString(`</text>`)
		barY := y + (h-chartBar)/2
		fmt.Fprintf(&body, `<rect x="%.0f" y="%.1f" width="%.1f" height="%d" class="chart-bar"/>`, barX, barY, w, chartBar)
		fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="chart-value">%s</text>`, barX+w+6, barY+chartBar-6, html.EscapeString(c.In(l)))
		y += h + chartGap
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %.0f" xmlns="http://www.w3.org/2000/svg">`,
		id, id, chartWidth, math.Ceil(y))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(t.Title), id, html.EscapeString(description))
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return b.String()
}

// wrap breaks s into lines no wider than width at spaces; a word wider than a line on its own
// is broken between letters.
func wrap(s string, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for textWidth(word, chartFont) > width {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			r := []rune(word)
			n := len(r) - 1
			for n > 1 && textWidth(string(r[:n]), chartFont) > width {
				n--
			}
			lines = append(lines, string(r[:n]))
			word = string(r[n:])
		}
		switch try := strings.TrimSpace(line + " " + word); {
		case line == "" || textWidth(try, chartFont) <= width:
			line = try
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
