// Command importgen writes the waiting lists the import tests read (go generate in
// internal/signups): a 500-row CSV as Norwegian Excel saves it (UTF-8 with a byte order mark,
// ';'), the same file in Windows-1252, and an XLSX of 80 rows of which 20 are bad, each in a
// different way. Everything is made by rule from the row number: nothing random, and only
// invented people (@example.org, +4700000xxx).
//
// The rows need the themes Angst, Sorg and Ensomhet, the group "Samtalegruppe onsdag", and a
// person already registered with finnes@example.org (the tests make them).
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

var (
	names  = []string{"Åse", "Bjørn", "Kåre", "Sølvi", "Ærling", "Mia", "Jonas", "Ingrid", "Håkon", "Liv", "Øystein", "Nora"}
	themes = []string{"Angst", "Sorg", "Ensomhet"}
	header = []string{"Fornavn", "E-post", "Telefon", "Tema", "Gruppe", "Venter siden", "Kanal", "Språk", "Merknad"}
	start  = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
)

// good is row i (from 1) as a good row.
func good(i int) []string {
	name := names[i%len(names)]
	email := fmt.Sprintf("venter%03d@example.org", i)
	phone := fmt.Sprintf("+4700000%03d", i%1000)
	channel := []string{"", "e-post", "SMS", "Ring meg"}[i%4]
	switch i % 3 {
	case 0: // a phone number only, typed the Norwegian way
		email, phone = "", fmt.Sprintf("+47 000 00 %03d", i%1000)
		if channel == "e-post" {
			channel = "sms"
		}
	case 1:
		phone = ""
		if channel == "SMS" || channel == "Ring meg" {
			channel = ""
		}
	}
	theme, group := themes[i%len(themes)], ""
	if i%10 == 7 {
		theme, group = "", "Samtalegruppe onsdag"
	}
	d := start.AddDate(0, 0, i)
	since := d.Format("02.01.2006")
	if i%2 == 0 {
		since = d.Format("2006-01-02")
	}
	lang := []string{"", "norsk", "engelsk"}[i%3]
	note := ""
	if i%5 == 0 {
		note = "Ønsker kveld – helst tirsdag"
	}
	return []string{name, email, phone, theme, group, since, channel, lang, note}
}

// bad spoils row i in way k.
func bad(i, k int) []string {
	r := good(i)
	switch k {
	case 0: // no way to reach them
		r[1], r[2], r[6] = "", "", ""
	case 1:
		r[1], r[2] = "ikke-en-adresse", ""
	case 2:
		r[1], r[2] = "", "12 34"
	case 3:
		r[3], r[4] = "Ukjent tema", ""
	case 4:
		r[5] = "31.02.2024"
	case 5: // the row before's address
		prev := good(i - 1)
		r[1], r[2] = prev[1], prev[2]
	case 6:
		r[0] = ""
	case 7:
		r[5] = "01.01.2199"
	case 8:
		r[3], r[4] = "", "Ukjent gruppe"
	case 9:
		r[1], r[2] = "finnes@example.org", ""
	}
	return r
}

func main() {
	dir := "testdata/import"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	// The CSV: 500 rows; every 50th is bad, in the ten ways in turn.
	var b strings.Builder
	b.WriteString("\ufeff")
	write := func(r []string) {
		for j, c := range r {
			if strings.ContainsAny(c, ";\"") {
				r[j] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(r, ";") + "\r\n")
	}
	write(append([]string(nil), header...))
	for i := 1; i <= 500; i++ {
		if i%50 == 0 {
			write(bad(i, i/50-1))
		} else {
			write(good(i))
		}
	}
	// #nosec G703 -- dir is the developer's own argument to go:generate; the file names are fixed
	must(os.WriteFile(filepath.Join(dir, "venteliste.csv"), []byte(b.String()), 0o600))
	ansi, err := charmap.Windows1252.NewEncoder().String(strings.TrimPrefix(b.String(), "\ufeff"))
	must(err)
	// #nosec G703 -- dir is the developer's own argument to go:generate; the file names are fixed
	must(os.WriteFile(filepath.Join(dir, "venteliste-cp1252.csv"), []byte(ansi), 0o600))

	// The XLSX: 80 rows with other headings; every 4th is bad (20), each way twice; dates are
	// date cells, but every fifth row's is text.
	f := excelize.NewFile()
	sheet := "Venteliste"
	must(f.SetSheetName("Sheet1", sheet))
	dateFormat := "dd.mm.yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	must(err)
	heads := []string{"Navn", "E-post", "Mobil", "Tema", "Gruppe", "Dato", "Kanal", "Språk", "Merknad"}
	must(f.SetSheetRow(sheet, "A1", &heads))
	for i := 1; i <= 80; i++ {
		r := good(i)
		if i%4 == 0 {
			r = bad(i, (i/4-1)%10)
		}
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		if d, err := time.Parse("02.01.2006", r[5]); err == nil && i%5 != 0 {
			cells[5] = d
		} else if d, err := time.Parse(time.DateOnly, r[5]); err == nil && i%5 != 0 {
			cells[5] = d
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow(sheet, cell, &cells))
		if _, ok := cells[5].(time.Time); ok {
			c, _ := excelize.CoordinatesToCellName(6, i+1)
			must(f.SetCellStyle(sheet, c, c, dateStyle))
		}
	}
	var buf bytes.Buffer
	_, err = f.WriteTo(&buf)
	must(err)
	// #nosec G703 -- dir is the developer's own argument to go:generate; the file names are fixed
	must(os.WriteFile(filepath.Join(dir, "venteliste.xlsx"), buf.Bytes(), 0o600))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
