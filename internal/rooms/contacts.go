package rooms

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Contact is a group's contact person: the one who holds the key and speaks for the group
// about rooms. They have no account; a private link shows them the group's schedule.
type Contact struct {
	GroupID    int64
	GroupName  string
	Name       string
	Email      string
	Phone      string
	LinkSentAt *time.Time
	Format     string // the group's format; ContactByLink fills it in, so the page can offer the meeting link
}

// Validate checks the contact; messages are catalogue ids.
func (c *Contact) Validate() validate.Errors {
	c.Name, c.Email = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email)
	var e validate.Errors
	if e.Required("name", c.Name, "contact.name.required") {
		e.MaxLength("name", c.Name, 120, "form.tooLong")
	}
	e.RequiredEmail("email", c.Email)
	if c.Phone != "" {
		if p, ok := validate.Phone(c.Phone); ok {
			c.Phone = p
		} else {
			e.Add("phone", "contact.phone.invalid")
		}
	}
	return e
}

// GroupContact returns the group's contact person; a group without one is ErrNotFound.
func (s *Store) GroupContact(ctx context.Context, groupID int64) (Contact, error) {
	c := Contact{GroupID: groupID}
	err := s.db.QueryRow(ctx, `SELECT g.name, c.name, c.email, c.phone, c.link_sent_at
		FROM group_contacts c JOIN groups g ON g.id = c.group_id WHERE c.group_id = $1`, groupID).
		Scan(&c.GroupName, &c.Name, &c.Email, &c.Phone, &c.LinkSentAt)
	if err != nil {
		return c, fmt.Errorf("rooms: contact: %w", postgres.MapError(err))
	}
	return c, nil
}

// SetContact saves the group's contact person. A new e-mail address ends the old private
// link: it was sent to someone else.
func (s *Store) SetContact(ctx context.Context, c Contact) error {
	_, err := s.db.Exec(ctx, `INSERT INTO group_contacts (group_id, name, email, phone) VALUES ($1, $2, $3, $4)
		ON CONFLICT (group_id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone, updated_at = now(),
			link_hash = CASE WHEN group_contacts.email = excluded.email THEN group_contacts.link_hash END,
			link_sent_at = CASE WHEN group_contacts.email = excluded.email THEN group_contacts.link_sent_at END,
			link_expires = CASE WHEN group_contacts.email = excluded.email THEN group_contacts.link_expires END`,
		c.GroupID, c.Name, c.Email, c.Phone)
	if err != nil {
		return fmt.Errorf("rooms: contact: %w", postgres.MapError(err))
	}
	return nil
}

// RemoveContact removes the group's contact person and with it their link.
func (s *Store) RemoveContact(ctx context.Context, groupID int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM group_contacts WHERE group_id = $1`, groupID); err != nil {
		return fmt.Errorf("rooms: contact: %w", err)
	}
	return nil
}

// ContactLinkLife is how long a contact person's private link works.
const ContactLinkLife = 183 * 24 * time.Hour

// IssueContactLink makes a new private link for the group's contact person and ends the
// old one. It returns the contact, the token (to be sent once) and when it ends; a group
// without a contact is ErrNotFound.
func (s *Store) IssueContactLink(ctx context.Context, groupID int64) (Contact, string, time.Time, error) {
	token := tokens.New()
	var expires time.Time
	err := s.db.QueryRow(ctx, `UPDATE group_contacts SET link_hash = $2, link_sent_at = now(), link_expires = now() + $3::interval
		WHERE group_id = $1 RETURNING link_expires`, groupID, tokens.Hash(token), ContactLinkLife).Scan(&expires)
	if err != nil {
		return Contact{}, "", expires, fmt.Errorf("rooms: contact link: %w", postgres.MapError(err))
	}
	c, err := s.GroupContact(ctx, groupID)
	return c, token, expires, err
}

// ContactByLink returns the contact person a private link belongs to; an unknown or ended
// link, or one of a closed group, is ErrNotFound.
func (s *Store) ContactByLink(ctx context.Context, token string) (Contact, error) {
	var c Contact
	err := s.db.QueryRow(ctx, `SELECT c.group_id, g.name, c.name, c.email, c.phone, c.link_sent_at, g.format
		FROM group_contacts c JOIN groups g ON g.id = c.group_id WHERE c.link_hash = $1 AND c.link_expires > now() AND g.status <> 'closed'`, tokens.Hash(token)).
		Scan(&c.GroupID, &c.GroupName, &c.Name, &c.Email, &c.Phone, &c.LinkSentAt, &c.Format)
	if err != nil {
		return c, fmt.Errorf("rooms: contact link: %w", postgres.MapError(err))
	}
	return c, nil
}

// SendContactLink makes a new private link for the group's contact person, ending the old
// one, and mails it to them in the group's language (language, the group's code: English when
// it is "en", else Norwegian), with the audit line done by by, in one transaction. A group
// without a contact person is ErrNotFound.
func (s *Store) SendContactLink(ctx context.Context, groupID int64, language string, by audit.Actor) error {
	if s.out == nil {
		return mail.ErrNoOutbox
	}
	lang, _ := i18n.Parse(language)
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		c, token, expires, err := s.on(tx).IssueContactLink(ctx, groupID)
		if err != nil {
			return err
		}
		m := contactLinkMessage(lang, c.Name, s.out.URL("/gruppe/"+token), expires)
		m.To = c.Email
		if _, err := s.out.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ContactLinkSent, Entity: "group", EntityID: groupID})
	})
	if err != nil {
		return fmt.Errorf("rooms: send contact link: %w", err)
	}
	return nil
}
