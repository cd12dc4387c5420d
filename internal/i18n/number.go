package i18n

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// ThinSpace is the space between groups of thousands in Norwegian (U+202F, a narrow space
// that never breaks): 12 345,5. CLDR gives a plain no-break space; the narrow one is what
// Norwegian typography prefers, and a line never breaks inside a number with either.
const ThinSpace = "\u202f"

// printers are the number printers of the languages, made once: CLDR's symbols for nb
// (decimal comma, minus sign U+2212) and en (decimal point, comma between thousands).
var printers = map[Lang]*message.Printer{
	NB: message.NewPrinter(language.MustParse("nb")),
	EN: message.NewPrinter(language.BritishEnglish),
}

// Number formats v with exactly decimals decimals the way l writes it, for people to read:
// 12 345,5 in Norwegian, 12,345.5 in English. It is the one number formatter of every page,
// chart and report; files for spreadsheets write plain numbers instead (Plain).
func Number(l Lang, v float64, decimals int) string {
	p, ok := printers[l]
	if !ok {
		p = printers[NB]
	}
	s := p.Sprint(number.Decimal(v, number.Scale(decimals)))
	if l != EN {
		s = strings.ReplaceAll(s, "\u00a0", ThinSpace)
	}
	return s
}

// Int formats a whole number the way l writes it (Number with no decimals).
func Int(l Lang, n int) string { return Number(l, float64(n), 0) }

// N is Number in the language of ctx.
func N(ctx context.Context, v float64, decimals int) string { return Number(LangOf(ctx), v, decimals) }

// I is Int in the language of ctx.
func I(ctx context.Context, n int) string { return Int(LangOf(ctx), n) }

// Plain formats v for a spreadsheet cell in l: no separator between thousands (a spreadsheet
// reads "1 234" as text), a decimal comma in Norwegian and a point in English, and an ASCII
// minus.
func Plain(l Lang, v float64, decimals int) string {
	s := printers[EN].Sprint(number.Decimal(v, number.Scale(decimals), number.NoSeparator()))
	if l != EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Date formats the calendar date of t (in its own location) the way l writes it: 31.12.2026
// in Norwegian, 31 Dec 2026 in English.
func Date(l Lang, t time.Time) string {
	if l == EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// DateTime formats t (in its own location) with its time of day: 31.12.2026 kl. 18.30 in
// Norwegian, 31 Dec 2026 18:30 in English.
func DateTime(l Lang, t time.Time) string {
	if l == EN {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("02.01.2006 kl. 15.04")
}

// Clock writes a time of day (the time since midnight) the way l writes it for people:
// 18.00 in Norwegian, as Språkrådet recommends, and 18:00 in English; hours always have two
// digits (08.00). It is the one clock formatter of pages, mails and SMS; form fields, feeds
// and calendar files keep the machine's 18:00 (tz.FormatClock).
func Clock(l Lang, d time.Duration) string {
	sep := "."
	if l == EN {
		sep = ":"
	}
	return fmt.Sprintf("%02d%s%02d", int(d/time.Hour), sep, int(d%time.Hour/time.Minute))
}

// ClockOf is Clock of the time of day of t, in its own location.
func ClockOf(l Lang, t time.Time) string {
	return Clock(l, time.Duration(t.Hour())*time.Hour+time.Duration(t.Minute())*time.Minute)
}

// ClockRange writes a span of the day the way l writes it: 18.00–19.30 or 18:00–19:30.
func ClockRange(l Lang, from, to time.Duration) string {
	return Clock(l, from) + "–" + Clock(l, to)
}

// Weekday names ISO weekday n (1 is Monday) the way l writes it inside a sentence: "tirsdag"
// in Norwegian, which writes weekdays in lower case, "Tuesday" in English. A heading or a
// label that begins with it capitalises the first letter itself.
func Weekday(l Lang, n int) string {
	return Translate(l, "catalogue.weekday."+strconv.Itoa(n))
}
