package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// GroupMember is a current member of a group as staff see them: first name, since when, and how
// they are reached.
type GroupMember struct {
	ParticipantID int64
	Since         time.Time
	mail.Person
}

// maxMembers bounds the list: a group has at most 60 places.
const maxMembers = 200

// Members lists the group's current members, read on db (a pool or the caller's
// transaction), by first name. It is the one read other features use to reach a group's
// members (rooms tells them of a cancelled meeting); it writes no audit line: staff's view
// of the list goes through Store.GroupMembers.
func Members(ctx context.Context, db postgres.DBTX, groupID int64) ([]GroupMember, error) {
	rows, err := db.Query(ctx, `SELECT p.id, m.joined_at, p.first_name,
			`+reachColumns+`, p.lang
		FROM memberships m JOIN participants p ON p.id = m.participant_id
		WHERE m.group_id = $1 AND m.left_at IS NULL ORDER BY p.first_name COLLATE "nb-NO-x-icu", p.id LIMIT $2`, groupID, maxMembers)
	if err != nil {
		return nil, fmt.Errorf("signups: members: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (GroupMember, error) {
		var m GroupMember
		var lang string
		err := r.Scan(&m.ParticipantID, &m.Since, &m.Name, &m.Email, &m.Phone, &m.Contact, &m.SMSStopped, &lang)
		m.Lang, _ = i18n.Parse(lang)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("signups: members: %w", err)
	}
	return list, nil
}

// People is Members as the people a notice reaches; it has the shape of rooms.MembersFunc.
func People(ctx context.Context, db postgres.DBTX, groupID int64) ([]mail.Person, error) {
	list, err := Members(ctx, db, groupID)
	people := make([]mail.Person, len(list))
	for i, m := range list {
		people[i] = m.Person
	}
	return people, err
}

// GroupMembers returns the group's members for staff member by, and records in the audit log,
// in the same transaction as the read, that by saw them (like a participant's page).
func (s *Store) GroupMembers(ctx context.Context, groupID int64, by audit.Actor) ([]GroupMember, error) {
	var list []GroupMember
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if list, err = Members(ctx, tx, groupID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.PersonalDataViewed, Entity: "group_members", EntityID: groupID,
			Details: map[string]any{"shown": len(list)}})
	})
	return list, err
}

// MessageMembers sends staff's text to each current member of the group by their channel, in
// one transaction with the audit line (which counts the messages and keeps no text: the text
// lives only in the outbox until it is sent). A text that does not validate comes back as
// validate.Errors. It returns the tally: those in Tally.Phone got nothing and must be phoned.
func (s *Store) MessageMembers(ctx context.Context, groupID int64, f mail.MessageForm, by audit.Actor) (mail.Tally, error) {
	var told mail.Tally
	if errs := f.Validate(); !errs.OK() {
		return told, errs
	}
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		people, err := People(ctx, tx, groupID)
		if err != nil {
			return err
		}
		if told, err = s.out.SendMessage(ctx, tx, people, f.Text); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.MessageSent, Entity: "group", EntityID: groupID,
			Details: told.Counts()})
	})
	if err != nil {
		return told, fmt.Errorf("signups: message members: %w", err)
	}
	return told, nil
}
