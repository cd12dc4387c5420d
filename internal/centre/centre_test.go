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
