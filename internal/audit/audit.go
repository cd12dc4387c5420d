// Package audit records who saw or changed personal data, licences and users. Entries are
// written with the same database handle (usually the transaction) as the change they
// describe, so an entry exists exactly when the change does. The table is append-only: the
// database refuses UPDATE, DELETE and TRUNCATE.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// Actions recorded in the log. Their labels live in the catalogue as audit.action.<name>.
const (
	Login                  = "login"
	LoginFailed            = "login.failed"
	LoginLocked            = "login.locked"
	Logout                 = "logout"
	TwoFactorEnabled       = "twofactor.enabled"
	TwoFactorReset         = "twofactor.reset"
	RecoveryCodeUsed       = "twofactor.recovery"
	PasswordSet            = "password.set"
	PasswordResetAsked     = "password.reset.requested"
	UserInvited            = "user.invited"
	UserRoleChanged        = "user.role"
	UserDisabled           = "user.disabled"
	UserEnabled            = "user.enabled"
	UserCreated            = "user.created"
	SettingsChanged        = "settings.changed"
	PersonalDataViewed     = "personal.viewed"
	ParticipantPlaced      = "participant.placed"
	ParticipantLeft        = "participant.left"
	ParticipantDeleted     = "participant.deleted"
	CredentialsShown       = "licence.credentials.shown" // #nosec G101 -- an audit event name, not a credential
	KeyHandedOut           = "key.handed_out"
	KeyReturned            = "key.returned"
	KeyReturnUndone        = "key.return_undone" // a return registered by mistake, taken back
	RoomRequestApproved    = "room_request.approved"
	RoomRequestDeclined    = "room_request.declined"
	ContactLinkSent        = "group.contact_link"
	LoanApproved           = "licence.lent"
	LoanDeclined           = "licence.request_declined"
	LoanReturned           = "licence.returned"
	LicencePasswordChanged = "licence.password_changed"
	OfferMade              = "offer.made"
	OfferExtended          = "offer.extended"
	OfferWithdrawn         = "offer.withdrawn"
	OfferCalled            = "offer.called" // staff phoned about an offer: details.outcome says what came of it
	MeetingsCancelled      = "booking.cancelled"
	MeetingReinstated      = "booking.reinstated"
	ClosureAdded           = "closure.added"
	MessageSent            = "message.sent"
	EventChanged           = "event.changed"
	SMSStopped             = "participant.sms_stopped"
	SMSAllowed             = "participant.sms_allowed"
	MeetingLinkSet         = "group.meeting_link"
	ParticipantSearched    = "participant.searched"        // staff searched; details: hits, never the query
	ContactChanged         = "participant.contact_changed" // details: each changed field's old and new value
	StaffNoteChanged       = "participant.note_changed"    // details: the note's length, never its text
	SignupWithdrawnByStaff = "participant.signup_withdrawn"
	SignedUpByStaff        = "participant.signed_up_by_staff" // staff signed a caller up, with their oral consent
	ImportUploaded         = "import.uploaded"                // a waiting list uploaded: rows, file hash (never the rows)
	ImportViewed           = "import.viewed"                  // its rows shown to staff (preview or report)
	ImportDone             = "import.done"                    // imported: how many, skipped, file hash
	ParticipantImported    = "participant.imported"           // one person of an import, on their timeline
	ConsentConfirmed       = "participant.consent_confirmed"  // staff phoned an imported person, who agreed
	WaitingListExported    = "waiting.exported"               // the waiting list downloaded: format, rows, filter
	RoomAdded              = "room.added"                     // details: the room as saved
	RoomChanged            = "room.changed"                   // details: the room as saved
	RoomRetired            = "room.retired"
	RoomRestored           = "room.restored" // details: when it had been retired
)

// Actions lists every action, for the filter of the log page.
var Actions = []string{Login, LoginFailed, LoginLocked, Logout, TwoFactorEnabled, TwoFactorReset,
	RecoveryCodeUsed, PasswordSet, PasswordResetAsked, UserInvited, UserRoleChanged, UserDisabled,
	UserEnabled, UserCreated, SettingsChanged, PersonalDataViewed, ParticipantPlaced, ParticipantLeft, CredentialsShown,
	KeyHandedOut, KeyReturned, KeyReturnUndone, RoomRequestApproved, RoomRequestDeclined, ContactLinkSent,
	LoanApproved, LoanDeclined, LoanReturned, LicencePasswordChanged, OfferMade,
	OfferExtended, OfferWithdrawn, OfferCalled, MeetingsCancelled, MeetingReinstated, ClosureAdded, MessageSent, EventChanged,
	SMSStopped, SMSAllowed, MeetingLinkSet,
	ParticipantSearched, ContactChanged, StaffNoteChanged, SignupWithdrawnByStaff, SignedUpByStaff,
	ImportUploaded, ImportViewed, ImportDone, ParticipantImported, ConsentConfirmed, WaitingListExported,
	RoomAdded, RoomChanged, RoomRetired, RoomRestored}

// Actor is who did something: a user, or the system (zero ID) with a label such as "cli".
type Actor struct {
	ID    int64
	Label string
	IP    string // client IP as the server saw it; empty when there is none
}

// Entry is one line of the log.
type Entry struct {
	Action   string
	Entity   string // "user", "participant", "licence" …
	EntityID int64  // 0 when the entry is about no single row
	Details  map[string]any
}

// Record appends e, done by a, using db (a transaction when there is a change to go with it).
func Record(ctx context.Context, db postgres.DBTX, a Actor, e Entry) error {
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	var actorID *int64
	if a.ID != 0 {
		actorID = &a.ID
	}
	var ip *netip.Addr
	if addr, err := netip.ParseAddr(a.IP); err == nil {
		ip = &addr
	}
	entityID := ""
	if e.EntityID != 0 {
		entityID = strconv.FormatInt(e.EntityID, 10)
	}
	_, err := db.Exec(ctx, `INSERT INTO audit_log (actor_id, actor_label, action, entity, entity_id, client_ip, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, actorID, a.Label, e.Action, e.Entity, entityID, ip, details)
	if err != nil {
		return fmt.Errorf("audit: %w", postgres.MapError(err))
	}
	return nil
}

// Row is an entry as the log page shows it.
type Row struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ActorLabel string
	Action     string
	Entity     string
	EntityID   string
	ClientIP   *netip.Addr
	Details    map[string]any
}

// Filter narrows the log. Zero fields do not filter. To is exclusive.
type Filter struct {
	ActorID int64
	Action  string
	Entity  string
	From    time.Time
	To      time.Time
}

// List returns one page of entries matching f, newest first, and how many match in all.
func List(ctx context.Context, db postgres.DBTX, f Filter, limit, offset int) ([]Row, int, error) {
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	rows, err := db.Query(ctx, `SELECT id, at, actor_id, actor_label, action, entity, entity_id, client_ip, details,
			count(*) OVER () AS total
		FROM audit_log
		WHERE ($1 = 0 OR actor_id = $1) AND ($2 = '' OR action = $2) AND ($3 = '' OR entity = $3)
		  AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
		ORDER BY at DESC, id DESC LIMIT $6 OFFSET $7`, f.ActorID, f.Action, f.Entity, from, to, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		err := r.Scan(&x.ID, &x.At, &x.ActorID, &x.ActorLabel, &x.Action, &x.Entity, &x.EntityID, &x.ClientIP, &x.Details, &total)
		return x, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	return list, total, nil
}
