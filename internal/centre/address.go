package centre

import (
	"strings"
	"unicode"
)

// Street, PostCode and City split the visiting address ("Kirkeveien 61, 0364 Oslo") into the
// parts that feeds ask for one by one: the Meeting Guide feed's address, postal_code and city.
// The last comma separates the street from "postcode place"; a Norwegian postcode is the four
// digits that begin that part. An address written another way keeps its whole text as the
// street, with no postcode or city.

// Street is the address before its postcode and place: "Kirkeveien 61".
func (c Contact) Street() string {
	street, _, _ := c.splitAddress()
	return street
}

// PostCode is the address's four-digit postcode, or "".
func (c Contact) PostCode() string {
	_, code, _ := c.splitAddress()
	return code
}

// City is the place after the postcode: "Oslo", or "".
func (c Contact) City() string {
	_, _, city := c.splitAddress()
	return city
}

func (c Contact) splitAddress() (street, code, city string) {
	addr := strings.TrimSpace(c.Address)
	i := strings.LastIndex(addr, ",")
	if i < 0 {
		return addr, "", ""
	}
	street, rest := strings.TrimSpace(addr[:i]), strings.TrimSpace(addr[i+1:])
	code, city, ok := strings.Cut(rest, " ")
	if !ok || len(code) != 4 || strings.IndexFunc(code, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		return addr, "", ""
	}
	return street, code, strings.TrimSpace(city)
}
