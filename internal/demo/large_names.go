package demo

import (
	"strings"
	"unicode"
)

// Word lists of the large data set. Every person is made up: common given names and
// surnames put together at random, with addresses on .test domains, which never receive mail.

// largeFirstNames are given names common in Oslo.
var largeFirstNames = []string{
	"Anne", "Ole", "Ingrid", "Lars", "Kari", "Per", "Sofie", "Jonas", "Marte", "Emil", "Hanne", "Tor", "Nora", "Ali",
	"Fatima", "Sven", "Lise", "Erik", "Maja", "Jan", "Amina", "Kristian", "Ida", "Omar", "Åse", "Bjørn", "Solveig",
	"Håkon", "Liv", "Geir", "Randi", "Arne", "Mona", "Øystein", "Astrid", "Magnus", "Hilde", "Eirik", "Silje", "Mohammed",
	"Aisha", "Yusuf", "Zainab", "Piotr", "Agnieszka", "Tomasz", "Olena", "Dmytro", "Leila", "Hassan", "Sara", "Thomas",
	"Camilla", "Anders", "Marit", "Knut", "Vilde", "Sindre", "Tone", "Rune", "Elin", "Kjell", "Berit", "Oddvar", "Gunn",
	"Mari", "Ahmed", "Hodan", "Abdi", "Nina", "Frode", "Heidi", "Stian", "Julie", "Kim", "Linh", "Minh", "Priya", "Ravi",
}

// largeSurnames are common Norwegian surnames.
var largeSurnames = []string{
	"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
	"Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
	"Halvorsen", "Lund", "Moen", "Strand", "Solberg", "Bakken", "Lie", "Holm", "Eide", "Aas",
}

// largeDistricts are Oslo's city districts; with largeOrgKinds they name made-up
// organisations.
var largeDistricts = []string{
	"Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker", "Nordstrand", "Sagene",
	"St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø",
}

// largeOrgKinds end the names of the made-up organisations.
var largeOrgKinds = []string{
	"samtalering", "likepersonsring", "mestringsforum", "pårørendenettverk", "hverdagsfellesskap", "tur- og pratlag",
	"sorgnettverk", "kaffeklubb", "støttenettverk", "selvhjelpsring", "helsevennlag", "kvinnenettverk", "mannsforum",
	"ungdomsnettverk",
}

// largeWeekdays are the ISO weekdays in Norwegian, Monday first.
var largeWeekdays = []string{"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"}

// largeWeekdaysEN are the ISO weekdays in English, Monday first.
var largeWeekdaysEN = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// largeInternalTitles are the house's own uses of a room.
var largeInternalTitles = []string{"Personalmøte", "Kurs for igangsettere", "Veiledning av igangsettere", "Temakveld",
	"Likepersonskurs", "Samarbeidsmøte", "Fagdag", "Nettverksmøte"}

// largeOrgTitles are what an organisation books a room for; %s is its name.
var largeOrgTitles = []string{"Medlemsmøte – %s", "Styremøte – %s", "Samtalegruppe – %s", "Kurs – %s", "Åpent møte – %s"}

// largeCancelReasons say why one meeting was cancelled.
var largeCancelReasons = []string{"Avlyst av gruppa", "Sykdom", "Få kunne komme denne uka", "Rommet trengtes til et kurs", ""}

// largePurposes are what a licence is borrowed for.
var largePurposes = []string{"Digitale samtalegrupper på kveldstid", "Likepersonsamtaler én til én", "Medlemsmøter på nett",
	"Kurs for frivillige", "Digitalt kaffetreff", "Styremøter", "Pårørendegruppe på nett", "Temamøte med innleder"}

// largeVenueKinds are where a partner's group meets; %s is the organisation.
var largeVenueKinds = []string{"Lokalene til %s", "Møterommet til %s", "%s, kafeen"}

// asciiLower makes s a lower-case ASCII word for an address or a slug: æ, ø and å become
// ae, o and a, and anything but a letter or digit becomes sep.
func asciiLower(s string, sep rune) string {
	var b strings.Builder
	last := sep
	for _, c := range strings.ToLower(s) {
		switch {
		case c == 'æ':
			b.WriteString("ae")
		case c == 'ø':
			b.WriteByte('o')
		case c == 'å' || c == 'á' || c == 'à':
			b.WriteByte('a')
		case c == 'é' || c == 'è':
			b.WriteByte('e')
		case c == 'ü':
			b.WriteByte('u')
		case c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			b.WriteRune(c)
		default:
			if last != sep && sep != 0 {
				b.WriteRune(sep)
			}
			last = sep
			continue
		}
		last = 0
	}
	return strings.Trim(b.String(), string(sep))
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}
