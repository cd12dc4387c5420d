package orgs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{Voluntary, NonProfit, Public}

// Details is an organisation as the register keeps it.
type Details struct {
	Org
	NetworkMember    bool
	AgreementSigned  *time.Time // local date
	AgreementExpires *time.Time
	ContactName      string
	ContactEmail     string
	ContactPhone     string
	Notes            string
	Users            int // partner users with access
}

// AgreementState says where the collaboration agreement stands on a day.
func (d Details) AgreementState(today time.Time) string {
	switch {
	case d.AgreementSigned == nil:
		return "none"
	case d.AgreementExpires != nil && d.AgreementExpires.Before(today):
		return "expired"
	case d.AgreementExpires != nil && d.AgreementExpires.Before(today.AddDate(0, 2, 0)):
		return "expiring"
	}
	return "valid"
}

// Form is the organisation form as typed.
type Form struct {
	Name, Kind                              string
	NetworkMember                           bool
	AgreementSigned, AgreementExpires       string
	ContactName, ContactEmail, ContactPhone string
	Notes                                   string

	signed, expires *time.Time
}

// FormOf fills the form from a stored organisation.
func FormOf(d Details) Form {
	f := Form{Name: d.Name, Kind: string(d.Kind), NetworkMember: d.NetworkMember, ContactName: d.ContactName,
		ContactEmail: d.ContactEmail, ContactPhone: d.ContactPhone, Notes: d.Notes}
	if d.AgreementSigned != nil {
		f.AgreementSigned = d.AgreementSigned.Format(time.DateOnly)
	}
	if d.AgreementExpires != nil {
		f.AgreementExpires = d.AgreementExpires.Format(time.DateOnly)
	}
	return f
}

// Validate trims and checks every field; messages are catalogue ids.
func (f *Form) Validate() validate.Errors {
	var e validate.Errors
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&f.Name, &f.Kind, &f.AgreementSigned, &f.AgreementExpires, &f.ContactName, &f.ContactEmail, &f.ContactPhone, &f.Notes} {
		trim(s)
	}
	if e.Required("name", f.Name, "orgs.name.required") {
		e.MaxLength("name", f.Name, 160, "form.tooLong")
	}
	if f.Kind != string(Voluntary) && f.Kind != string(NonProfit) && f.Kind != string(Public) {
		e.Add("kind", "orgs.kind.required")
	}
	date := func(field, value string) *time.Time {
		if value == "" {
			return nil
		}
		d, err := tz.ParseDate(value)
		if err != nil {
			e.Add(field, "form.date.invalid")
			return nil
		}
		return &d
	}
	f.signed, f.expires = date("agreement_signed", f.AgreementSigned), date("agreement_expires", f.AgreementExpires)
	if f.expires != nil && f.signed == nil && !e.Has("agreement_signed") {
		e.Add("agreement_signed", "orgs.agreement.signedFirst")
	}
	if f.signed != nil && f.expires != nil && f.expires.Before(*f.signed) {
		e.Add("agreement_expires", "orgs.agreement.order")
	}
	e.MaxLength("contact_name", f.ContactName, 120, "form.tooLong")
	if f.ContactEmail != "" && !validate.Email(f.ContactEmail) {
		e.Add("contact_email", "form.email.invalid")
	}
	if f.ContactPhone != "" {
		if p, ok := validate.Phone(f.ContactPhone); ok {
			f.ContactPhone = p
		} else {
			e.Add("contact_phone", "contact.phone.invalid")
		}
	}
	e.MaxLength("notes", f.Notes, 2000, "form.tooLong")
	return e
}

const detailColumns = `o.id, o.name, o.kind, o.network_member, o.agreement_signed::timestamp, o.agreement_expires::timestamp,
	o.contact_name, o.contact_email, o.contact_phone, o.notes,
	(SELECT count(*) FROM users u WHERE u.org_id = o.id AND NOT u.disabled)`

func scanDetails(row pgx.CollectableRow) (Details, error) {
	var d Details
	err := row.Scan(&d.ID, &d.Name, &d.Kind, &d.NetworkMember, &d.AgreementSigned, &d.AgreementExpires,
		&d.ContactName, &d.ContactEmail, &d.ContactPhone, &d.Notes, &d.Users)
	for _, t := range []**time.Time{&d.AgreementSigned, &d.AgreementExpires} {
		if *t != nil {
			local := time.Date((*t).Year(), (*t).Month(), (*t).Day(), 0, 0, 0, 0, tz.Oslo)
			*t = &local
		}
	}
	return d, err
}

// Filter narrows the register: a part of the name, and network members only.
type Filter struct {
	Query   string
	Network bool
}

// List returns one page of the register by name, and the number of matches.
func (s *Store) List(ctx context.Context, f Filter, limit, offset int) ([]Details, int, error) {
	where := `WHERE ($1 = '' OR o.name ILIKE '%' || $1 || '%') AND (NOT $2 OR o.network_member)`
	var total int
	q := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(f.Query))
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM orgs o `+where, q, f.Network).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("orgs: list: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+detailColumns+` FROM orgs o `+where+`
		ORDER BY o.name COLLATE "nb-NO-x-icu", o.id LIMIT $3 OFFSET $4`, q, f.Network, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("orgs: list: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanDetails)
	if err != nil {
		return nil, 0, fmt.Errorf("orgs: list: %w", err)
	}
	return list, total, nil
}

// Details returns one organisation with all the register keeps.
func (s *Store) Details(ctx context.Context, id int64) (Details, error) {
	rows, err := s.db.Query(ctx, `SELECT `+detailColumns+` FROM orgs o WHERE o.id = $1`, id)
	if err != nil {
		return Details{}, fmt.Errorf("orgs: get: %w", err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDetails)
	if err != nil {
		return d, fmt.Errorf("orgs: get: %w", postgres.MapError(err))
	}
	return d, nil
}

// Save validates the form and creates (id 0) or updates an organisation, returning its id.
// Problems come back as validate.Errors, a name already in the register among them.
func (s *Store) Save(ctx context.Context, id int64, f Form) (int64, error) {
	if errs := f.Validate(); !errs.OK() {
		return 0, errs
	}
	dateArg := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(time.DateOnly)
	}
	args := []any{f.Name, f.Kind, f.NetworkMember, dateArg(f.signed), dateArg(f.expires), f.ContactName, f.ContactEmail, f.ContactPhone, f.Notes}
	var err error
	if id == 0 {
		err = s.db.QueryRow(ctx, `INSERT INTO orgs (name, kind, network_member, agreement_signed, agreement_expires,
			contact_name, contact_email, contact_phone, notes) VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8, $9) RETURNING id`, args...).Scan(&id)
	} else {
		var tag pgconn.CommandTag
		tag, err = s.db.Exec(ctx, `UPDATE orgs SET name = $1, kind = $2, network_member = $3, agreement_signed = $4::date,
			agreement_expires = $5::date, contact_name = $6, contact_email = $7, contact_phone = $8, notes = $9, updated_at = now()
			WHERE id = $10`, append(args, id)...)
		if err == nil && tag.RowsAffected() == 0 {
			err = postgres.ErrNotFound
		}
	}
	if err = postgres.MapError(err); errors.Is(err, postgres.ErrConflict) {
		var e validate.Errors
		e.Add("name", "orgs.name.taken")
		return 0, e
	}
	if err != nil {
		return 0, fmt.Errorf("orgs: save: %w", err)
	}
	return id, nil
}
