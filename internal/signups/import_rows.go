package signups

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Fields a column of an imported waiting list can fill. Their labels live in the catalogue
// as import.field.<name>.
const (
	FieldName    = "name"
	FieldEmail   = "email"
	FieldPhone   = "phone"
	FieldTheme   = "theme"
	FieldGroup   = "group"
	FieldSince   = "since"
	FieldContact = "contact"
	FieldLang    = "lang"
	FieldNote    = "note"
)

// ImportFields lists the fields in the order the mapping offers them.
var ImportFields = []string{FieldName, FieldEmail, FieldPhone, FieldTheme, FieldGroup, FieldSince, FieldContact, FieldLang, FieldNote}

// headerGuesses are the column headings staff's spreadsheets use, folded (lower case, letters
// and digits only), by the field they fill.
var headerGuesses = map[string]string{
	"fornavn": FieldName, "navn": FieldName, "name": FieldName, "firstname": FieldName, "kallenavn": FieldName,
	"nickname": FieldName, "fulltnavn": FieldName,
	"epost": FieldEmail, "email": FieldEmail, "mail": FieldEmail, "epostadresse": FieldEmail, "emailaddress": FieldEmail,
	"telefon": FieldPhone, "mobil": FieldPhone, "tlf": FieldPhone, "phone": FieldPhone, "mobile": FieldPhone,
	"telefonnummer": FieldPhone, "mobilnummer": FieldPhone, "tlfnr": FieldPhone,
	"tema": FieldTheme, "theme": FieldTheme, "topic": FieldTheme,
	"gruppe": FieldGroup, "group": FieldGroup,
	"ventersiden": FieldSince, "dato": FieldSince, "date": FieldSince, "waitingsince": FieldSince, "pameldt": FieldSince,
	"registrert": FieldSince, "pameldtdato": FieldSince,
	"kanal": FieldContact, "channel": FieldContact, "kontaktmate": FieldContact,
	"sprak": FieldLang, "language": FieldLang, "lang": FieldLang,
	"merknad": FieldNote, "note": FieldNote, "kommentar": FieldNote, "notat": FieldNote, "comment": FieldNote,
}

// fold writes a heading or a value for comparison: lower case, å/æ/ø as a/ae/o, letters
// and digits only.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'å' || r == 'á' || r == 'à':
			b.WriteRune('a')
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ø' || r == 'ö':
			b.WriteRune('o')
		case r == 'é' || r == 'è':
			b.WriteRune('e')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GuessMapping proposes, for each column of header, the field it fills ("" for none): a
// known heading fills its field, once; the first column wins.
func GuessMapping(header []string) []string {
	out := make([]string, len(header))
	taken := map[string]bool{}
	for i, h := range header {
		if f, ok := headerGuesses[fold(h)]; ok && !taken[f] {
			out[i], taken[f] = f, true
		}
	}
	return out
}

// ImportProblem is one reason a row cannot be imported: a catalogue id (import.problem.*),
// and for a duplicate the line of the row it repeats.
type ImportProblem struct {
	ID   string `json:"id"`
	Line int    `json:"line,omitempty"`
}

// ImportRow is one row of an imported file as read with the mapping: what it would store,
// and what keeps it out.
type ImportRow struct {
	Line         int
	FirstName    string
	Email        string
	Phone        string
	Contact      string
	Lang         string
	Note         string
	Target       Target
	TargetName   string
	WaitingSince time.Time // midnight in Oslo; zero: not given (waits from the import)
	Problems     []ImportProblem
}

// OK reports whether the row can be imported.
func (r ImportRow) OK() bool { return len(r.Problems) == 0 }

func (r *ImportRow) problem(id string) { r.Problems = append(r.Problems, ImportProblem{ID: id}) }

// catalogue are the themes and groups a row may name, by folded name or slug.
type catalogue struct {
	themes, groups map[string]named
}

type named struct {
	id   int64
	name string
}

func readCatalogue(ctx context.Context, db postgres.DBTX) (catalogue, error) {
	c := catalogue{themes: map[string]named{}, groups: map[string]named{}}
	rows, err := db.Query(ctx, `SELECT 't', id, name_nb, name_en, slug FROM themes
		UNION ALL SELECT 'g', id, name, name, slug FROM groups WHERE status <> 'closed'`)
	if err != nil {
		return c, fmt.Errorf("signups: import: catalogue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, nb, en, slug string
		var id int64
		if err := rows.Scan(&kind, &id, &nb, &en, &slug); err != nil {
			return c, fmt.Errorf("signups: import: catalogue: %w", err)
		}
		m := c.themes
		if kind == "g" {
			m = c.groups
		}
		for _, k := range []string{fold(nb), fold(en), fold(slug)} {
			if _, seen := m[k]; !seen && k != "" {
				m[k] = named{id: id, name: nb}
			}
		}
	}
	return c, rows.Err()
}

// channels and languages as staff write them in a spreadsheet, folded.
var (
	importContacts = map[string]string{"epost": "email", "email": "email", "mail": "email", "sms": "sms",
		"tekstmelding": "sms", "telefon": "phone", "ring": "phone", "ringmeg": "phone", "phone": "phone", "call": "phone", "callme": "phone"}
	importLangs = map[string]string{"nb": "nb", "no": "nb", "norsk": "nb", "bokmal": "nb", "norwegian": "nb",
		"en": "en", "engelsk": "en", "english": "en"}
)

// readRows reads every row of t with mapping: each field checked as the sign-up form checks
// it, the theme or group looked up, the date read, and duplicates found (of another row, and
// of a person already here: the same e-mail address or phone number). now is the import's
// time: a waiting-since date after it is refused.
func readRows(ctx context.Context, db postgres.DBTX, t sheet.Table, mapping []string, now time.Time) ([]ImportRow, error) {
	cat, err := readCatalogue(ctx, db)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, f := range mapping {
		if f != "" {
			col[f] = i
		}
	}
	cell := func(row []string, f string) string {
		if i, ok := col[f]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	today := tz.Midnight(now)
	out := make([]ImportRow, len(t.Rows))
	for i, cells := range t.Rows {
		r := &out[i]
		r.Line = t.Lines[i]
		readRow(r, cells, cell, cat, t.Kind, today)
	}
	return out, markDuplicates(ctx, db, out)
}

func readRow(r *ImportRow, cells []string, cell func([]string, string) string, cat catalogue, kind string, today time.Time) {
	f := Form{FirstName: cell(cells, FieldName), Email: cell(cells, FieldEmail), Phone: cell(cells, FieldPhone),
		Note: cell(cells, FieldNote), Adult: true, Consent: true, Prefs: Prefs{Formats: Formats}}
	contact := fold(cell(cells, FieldContact))
	if contact != "" {
		if f.Contact = importContacts[contact]; f.Contact == "" {
			r.problem("import.problem.contactKind")
		}
	}
	errs := f.Validate()
	if fe, ok := errs.Get("first_name"); ok {
		r.problem(map[bool]string{true: "import.problem.name", false: "import.problem.nameLong"}[fe.Msg == "signup.name.required"])
	}
	if fe, ok := errs.Get("email"); ok {
		r.problem(map[bool]string{true: "import.problem.contact", false: "import.problem.email"}[fe.Msg == "signup.contact.required"])
	}
	if fe, ok := errs.Get("phone"); ok {
		r.problem(map[bool]string{true: "import.problem.phone", false: "import.problem.phoneNeeded"}[fe.Msg == "signup.phone.invalid"])
	}
	if errs.Has("note") {
		r.problem("import.problem.note")
	}
	r.FirstName, r.Email, r.Phone, r.Contact, r.Note = f.FirstName, f.Email, f.Phone, f.Contact, f.Note
	r.Lang = "nb"
	if l := fold(cell(cells, FieldLang)); l != "" {
		if r.Lang = importLangs[l]; r.Lang == "" {
			r.Lang = "nb"
			r.problem("import.problem.lang")
		}
	}
	group, theme := cell(cells, FieldGroup), cell(cells, FieldTheme)
	switch {
	case group != "":
		g, ok := cat.groups[fold(group)]
		if !ok {
			r.problem("import.problem.group")
		}
		r.Target, r.TargetName = Target{GroupID: g.id}, g.name
	case theme != "":
		th, ok := cat.themes[fold(theme)]
		if !ok {
			r.problem("import.problem.theme")
		}
		r.Target, r.TargetName = Target{ThemeID: th.id}, th.name
	default:
		r.problem("import.problem.target")
	}
	if since := cell(cells, FieldSince); since != "" {
		d, ok := importDate(since, kind)
		if !ok || d.After(today) {
			r.problem("import.problem.date")
		}
		r.WaitingSince = d
	}
}

// importDate reads a waiting-since date: 31.12.2025 or 2025-12-31, and in an XLSX the serial
// number Excel stores a date cell as. It is midnight in Oslo.
func importDate(s, kind string) (time.Time, bool) {
	if d, err := tz.ParseDate(s); err == nil {
		return d, true
	}
	// A spreadsheet's date with a time of day after it ("2025-12-31 00:00:00").
	if day, _, ok := strings.Cut(s, " "); ok {
		if d, err := tz.ParseDate(day); err == nil {
			return d, true
		}
	}
	if kind != sheet.XLSX {
		return time.Time{}, false
	}
	serial, err := strconv.ParseFloat(s, 64)
	if err != nil || serial < 1 || serial > 2958465 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return time.Time{}, false
	}
	d, err := tz.ParseDate(t.Format(time.DateOnly))
	return d, err == nil
}

// markDuplicates adds, to the rows that are otherwise good, the problem of repeating an
// earlier row (the same e-mail address or phone number) or a person already here.
func markDuplicates(ctx context.Context, db postgres.DBTX, rows []ImportRow) error {
	var emails, phones []string
	for _, r := range rows {
		if r.Email != "" {
			emails = append(emails, r.Email)
		}
		if r.Phone != "" {
			phones = append(phones, r.Phone)
		}
	}
	known := map[string]bool{}
	q, err := db.Query(ctx, `SELECT 'e' || lower(email::text) FROM participants WHERE email = ANY($1::citext[])
		UNION SELECT 'p' || phone FROM participants WHERE phone = ANY($2::text[])`, emails, phones)
	if err != nil {
		return fmt.Errorf("signups: import: known people: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var k string
		if err := q.Scan(&k); err != nil {
			return fmt.Errorf("signups: import: known people: %w", err)
		}
		known[k] = true
	}
	if err := q.Err(); err != nil {
		return fmt.Errorf("signups: import: known people: %w", err)
	}
	first := map[string]int{}
	for i := range rows {
		r := &rows[i]
		keys := []string{}
		if r.Email != "" {
			keys = append(keys, "e"+strings.ToLower(r.Email))
		}
		if r.Phone != "" {
			keys = append(keys, "p"+r.Phone)
		}
		exists, earlier := false, 0
		for _, k := range keys {
			exists = exists || known[k]
			if line, ok := first[k]; ok && earlier == 0 {
				earlier = line
			}
		}
		switch {
		case exists:
			r.problem("import.problem.exists")
		case earlier != 0:
			r.Problems = append(r.Problems, ImportProblem{ID: "import.problem.repeat", Line: earlier})
		}
		for _, k := range keys {
			if _, ok := first[k]; !ok {
				first[k] = r.Line
			}
		}
	}
	return nil
}
