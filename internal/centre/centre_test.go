package centre

import "testing"

// A Norwegian number is written in pairs, any other as stored; the floor follows the address.
func TestContactFormats(t *testing.T) {
	t.Parallel()
	c := Default()
	if got := c.PhoneDisplay(); got != "22 00 00 00" {
		t.Errorf("PhoneDisplay = %q", got)
	}
	if got := (Contact{Phone: "+46701234567"}).PhoneDisplay(); got != "+46701234567" {
		t.Errorf("a Swedish number = %q", got)
	}
	if got := c.VisitingAddress(); got != "Kirkeveien 61, 0364 Oslo, 6. etasje" {
		t.Errorf("VisitingAddress = %q", got)
	}
	if got, errs := FormOf(c).Validate(); !errs.OK() || got != c {
		t.Errorf("the default does not survive its form: %+v, %v", got, errs)
	}
}

func TestAddressParts(t *testing.T) {
	for _, tc := range []struct{ address, street, code, city string }{
		{"Kirkeveien 61, 0364 Oslo", "Kirkeveien 61", "0364", "Oslo"},
		{"Storgata 1, Inngang B, 0155 Oslo", "Storgata 1, Inngang B", "0155", "Oslo"},
		{"Kirkeveien 61", "Kirkeveien 61", "", ""},
		{"Kirkeveien 61, Oslo", "Kirkeveien 61, Oslo", "", ""},
	} {
		c := Contact{Address: tc.address}
		if c.Street() != tc.street || c.PostCode() != tc.code || c.City() != tc.city {
			t.Errorf("%q: got %q %q %q, want %q %q %q", tc.address, c.Street(), c.PostCode(), c.City(), tc.street, tc.code, tc.city)
		}
	}
}
