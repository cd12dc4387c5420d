package signups

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Joining a group tells the person everything they need for the first meeting, by the
// channel they chose, in the transaction that makes them a member: whether they accepted an
// offer themselves, staff recorded their answer, or staff placed them by hand.

// confirmJoin queues, on tx, the confirmation to the participant that they are now a member
// of the group: by e-mail or SMS (mail.Outbox.Reach), with the first meeting from now, the
// place and how to get in or the meeting link, and a new private link to their page, which
// names the group and has its calendar file. Someone nobody can write to (they asked to be
// phoned and have no number for SMS) gets nothing: it returns mail.ChannelNone and staff call.
func (s *Store) confirmJoin(ctx context.Context, tx pgx.Tx, participantID, groupID int64, now time.Time) (mail.Channel, error) {
	if s.out == nil {
		return mail.ChannelNone, mail.ErrNoOutbox
	}
	st := s.on(tx)
	who, err := recipient(ctx, tx, participantID)
	if err != nil {
		return mail.ChannelNone, fmt.Errorf("signups: confirm join: %w", err)
	}
	name, r := who.Name, who.To
	if r.Channel() == mail.ChannelNone {
		return mail.ChannelNone, nil
	}
	g, err := st.MemberGroup(ctx, participantID, groupID, now, MeetingsShown)
	if err != nil {
		return mail.ChannelNone, err
	}
	token, expires, err := st.IssueLink(ctx, participantID)
	if err != nil {
		return mail.ChannelNone, err
	}
	j := Joined{Link: g.Link, Passcode: g.Passcode, Page: s.out.URL("/mine/" + token), Expires: expires}
	if g.AtHouse() {
		// A partner's venue is left to the private page: its name often names the cause
		// ("… foreningens lokaler"), and a mail is read over shoulders.
		j.Place, j.HowToGetIn = g.Place(), g.HowToGetIn
	}
	if m, ok := g.Next(); ok {
		j.First = m.Start
	}
	ch, err := s.out.Reach(ctx, tx, r, joinedMail(r.Lang, name, j), joinedSMS(r.Lang, name, j))
	if err != nil {
		return mail.ChannelNone, fmt.Errorf("signups: confirm join: %w", err)
	}
	return ch, nil
}

// LeaveGroup ends the participant's own membership of the group, from their private page,
// and writes its audit line as the participant, in one transaction; their sign-up for it
// ends too. Someone who is not a member now gets ErrNotFound.
func (s *Store) LeaveGroup(ctx context.Context, participantID, groupID int64) error {
	return postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM memberships WHERE participant_id = $1 AND group_id = $2 AND left_at IS NULL FOR UPDATE`,
			participantID, groupID).Scan(&id)
		if err != nil {
			return fmt.Errorf("signups: leave: %w", postgres.MapError(err))
		}
		if _, err := s.on(tx).markLeft(ctx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Actor{Label: "participant"}, audit.Entry{Action: audit.ParticipantLeft,
			Entity: "participant", EntityID: participantID, Details: map[string]any{"group_id": groupID}})
	})
}
