// Package centre holds the centre's contact details: name, phone, e-mail, visiting address
// with floor and how to get in, and telephone hours. Admins set them on the settings page;
// every page's footer, the contact page, the accessibility statement and every mail show them.
//
// The details live in the single-row settings table, which auth owns and writes
// (auth.Store.SetContact). This small package only reads them and checks the form, so that
// mail (which auth imports) and the page components can use them without importing auth.
package centre

import (
	"context"
	"fmt"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Contact is how people reach the centre. Phone is stored as +<digits> (validate.Phone).
type Contact struct {
	Name       string
	Phone      string
	Email      string
	Address    string // street, postcode and place
	Floor      string
	HowToGetIn string
	PhoneHours string
}

// Default is what a new database starts with (migrations 00019 and 00040): LINK Oslo's public visiting
// address, and a phone number and e-mail address for the admin to replace.
func Default() Contact {
	return Contact{
		Name:       "LINK Oslo – Senter for selvhjelp og mestring",
		Phone:      "+4722000000",
		Email:      "post@linkoslo.example",
		Address:    "Kirkeveien 61, 0364 Oslo",
		Floor:      "6. etasje",
		HowToGetIn: "Ring på porttelefonen ved inngangen og ta heisen til 6. etasje.",
		PhoneHours: "mandag–fredag kl. 10.00–15.00",
	}
}

// Tables are the tables Read reads.
func Tables() []string { return []string{"settings"} }

// Read returns the centre's contact details.
func Read(ctx context.Context, db postgres.DBTX) (Contact, error) {
	var c Contact
	err := db.QueryRow(ctx, `
		SELECT contact_name, contact_phone, contact_email, contact_address, contact_floor,
		       contact_how_to_get_in, contact_phone_hours
		FROM settings`).Scan(&c.Name, &c.Phone, &c.Email, &c.Address, &c.Floor, &c.HowToGetIn, &c.PhoneHours)
	if err != nil {
		return Contact{}, fmt.Errorf("centre: contact: %w", err)
	}
	return c, nil
}

// PhoneDisplay writes the phone number as people read it: a Norwegian number in groups
// ("22 00 00 00"), any other as stored.
func (c Contact) PhoneDisplay() string {
	p, ok := strings.CutPrefix(c.Phone, "+47")
	if !ok || len(p) != 8 {
		return c.Phone
	}
	return p[0:2] + " " + p[2:4] + " " + p[4:6] + " " + p[6:8]
}

// ShortName is the name before any dash: "LINK Oslo" of "LINK Oslo – Senter for selvhjelp og
// mestring". An SMS signs with it, where every character counts.
func (c Contact) ShortName() string {
	for _, sep := range []string{" – ", " - ", " — "} {
		if before, _, ok := strings.Cut(c.Name, sep); ok {
			return before
		}
	}
	return c.Name
}

// VisitingAddress is the address with the floor: "Kirkeveien 61, 0364 Oslo, 6. etasje".
func (c Contact) VisitingAddress() string {
	if c.Floor == "" {
		return c.Address
	}
	return c.Address + ", " + c.Floor
}

// PhoneURL is the tel: link of the phone number.
func (c Contact) PhoneURL() string { return "tel:" + c.Phone }

// EmailURL is the mailto: link of the e-mail address.
func (c Contact) EmailURL() string { return "mailto:" + c.Email }

// Form is the contact details as an admin types them.
type Form struct {
	Name, Phone, Email, Address, Floor, HowToGetIn, PhoneHours string
}

// FormOf fills the form with c, for editing.
func FormOf(c Contact) Form {
	return Form{Name: c.Name, Phone: c.PhoneDisplay(), Email: c.Email, Address: c.Address, Floor: c.Floor,
		HowToGetIn: c.HowToGetIn, PhoneHours: c.PhoneHours}
}

// The longest texts the form takes, as the database checks them.
const (
	MaxName       = 200
	MaxFloor      = 100
	MaxHowToGetIn = 500
	MaxPhoneHours = 200
)

// Validate checks the form and returns the contact details to store, or the errors field by
// field.
func (f Form) Validate() (Contact, validate.Errors) {
	var e validate.Errors
	c := Contact{Name: strings.TrimSpace(f.Name), Email: strings.TrimSpace(f.Email), Address: strings.TrimSpace(f.Address),
		Floor: strings.TrimSpace(f.Floor), HowToGetIn: strings.TrimSpace(f.HowToGetIn), PhoneHours: strings.TrimSpace(f.PhoneHours)}
	if e.Required("name", c.Name, "centre.name.required") {
		e.MaxLength("name", c.Name, MaxName, "form.tooLong")
	}
	if e.Required("phone", f.Phone, "centre.phone.required") {
		if p, ok := validate.Phone(f.Phone); ok {
			c.Phone = p
		} else {
			e.Add("phone", "centre.phone.invalid")
		}
	}
	e.RequiredEmail("email", c.Email)
	if e.Required("address", c.Address, "centre.address.required") {
		e.MaxLength("address", c.Address, MaxName, "form.tooLong")
	}
	e.MaxLength("floor", c.Floor, MaxFloor, "form.tooLong")
	e.MaxLength("how_to_get_in", c.HowToGetIn, MaxHowToGetIn, "form.tooLong")
	e.MaxLength("phone_hours", c.PhoneHours, MaxPhoneHours, "form.tooLong")
	return c, e
}
