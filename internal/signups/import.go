package signups

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// Importing an existing waiting list: staff upload a CSV or XLSX (StageImport), say which
// column holds what (SetImportMapping), see every row with its problems (ImportPreview),
// and import the good rows in one transaction (RunImport), then see what was imported and
// what was skipped and why (the same ImportPreview, now a report).
//
// Between the steps the rows wait in import_batches, sealed under SECRET_KEY (never as
// plain text on disk), for an hour and only for the staff member who uploaded them.
//
// Re-importing the same file adds nobody twice: a row whose e-mail address or phone number
// a person here already has is skipped as "finnes allerede" (also the person imported the
// first time). The file's hash goes to the audit log, not the rows.
//
// Imported people never gave consent on our form: they are marked (participants.imported_at)
// and their sign-ups carry consent_version 'import'. Until staff have phoned them and pressed
// "Samtykke bekreftet" (ConfirmConsent), nothing automatic reaches them: every message to
// them becomes a call task (see reachColumns).

// ImportConsent is the consent version of an imported sign-up until staff confirm it.
const ImportConsent = "import"

// ImportTTL is how long an uploaded file waits for its import and its report.
const ImportTTL = time.Hour

// ErrImportDone is returned by RunImport for a batch imported already.
var ErrImportDone = errors.New("signups: the file is imported already")

// reachColumns read how to reach a participant p (e-mail, phone, channel, SMS stopped) in
// the queries that reach people: an imported person whose consent staff have not confirmed
// reads as someone to phone, whom nothing can be written to (no address, SMS stopped), so
// every message to them becomes a call task.
const reachColumns = `CASE WHEN ` + consentPending + ` THEN '' ELSE coalesce(p.email::text, '') END, coalesce(p.phone, ''),
	CASE WHEN ` + consentPending + ` THEN 'phone' ELSE p.contact END, p.sms_stopped_at IS NOT NULL OR ` + consentPending

// consentPending is true for a participant p imported and not yet confirmed.
const consentPending = `(p.imported_at IS NOT NULL AND p.consent_confirmed_at IS NULL)`

// stagedFile is what a batch seals.
type stagedFile struct {
	Name  string     `json:"name"`
	Kind  string     `json:"kind"`
	Head  []string   `json:"header"`
	Rows  [][]string `json:"rows"`
	Lines []int      `json:"lines"`
}

func (f stagedFile) table() sheet.Table {
	return sheet.Table{Kind: f.Kind, Header: f.Head, Rows: f.Rows, Lines: f.Lines}
}

// rowOutcome is what became of one row of an import: the person made, or the problems.
type rowOutcome struct {
	ParticipantID int64           `json:"p,omitempty"`
	Problems      []ImportProblem `json:"x,omitempty"`
}

func sealContext(userID int64, fileHash []byte) string {
	return "import " + strconv.FormatInt(userID, 10) + " " + hex.EncodeToString(fileHash)
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// StageImport reads the uploaded file (name and content) and keeps its rows for by, sealed
// with ring, with a guessed mapping of its columns, and returns the batch's id. A file that
// cannot be read is a validate.Errors on the field "fil". Expired batches are deleted first.
func (s *Store) StageImport(ctx context.Context, name string, data []byte, ring *secrets.Keyring, by audit.Actor, now time.Time) (int64, error) {
	var errs validate.Errors
	if len(data) == 0 {
		errs.Add("fil", "import.file.required")
		return 0, errs
	}
	t, err := sheet.Read(name, data)
	switch {
	case errors.Is(err, sheet.ErrKind):
		errs.Add("fil", "import.file.kind")
	case errors.Is(err, sheet.ErrTooLarge):
		errs.Add("fil", "import.file.tooLarge")
	case errors.Is(err, sheet.ErrTooMany):
		errs.Add("fil", "import.file.tooMany", "Rows", sheet.MaxRows, "Columns", sheet.MaxColumns)
	case errors.Is(err, sheet.ErrEmpty):
		errs.Add("fil", "import.file.empty")
	case err != nil:
		errs.Add("fil", "import.file.damaged")
	case len(t.Rows) == 0:
		errs.Add("fil", "import.file.noRows")
	}
	if !errs.OK() {
		return 0, errs
	}
	plain, err := json.Marshal(stagedFile{Name: name, Kind: t.Kind, Head: t.Header, Rows: t.Rows, Lines: t.Lines})
	if err != nil {
		return 0, fmt.Errorf("signups: import: %w", err)
	}
	sum := sha256.Sum256(data)
	keyID, sealed := ring.Seal(plain, sealContext(by.ID, sum[:]))
	mapping, _ := json.Marshal(GuessMapping(t.Header))
	var id int64
	err = postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := PurgeImports(ctx, tx); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO import_batches (created_by, expires_at, file_hash, key_id, sealed, mapping)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, by.ID, now.Add(ImportTTL), sum[:], keyID, sealed, mapping).Scan(&id)
		if err != nil {
			return fmt.Errorf("signups: import: stage: %w", postgres.MapError(err))
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ImportUploaded, Entity: "import", EntityID: id,
			Details: map[string]any{"rows": len(t.Rows), "kind": t.Kind, "file_hash": hex.EncodeToString(sum[:]),
				"file_name_hash": hashHex(name)}})
	})
	return id, err
}

// PurgeImports deletes the batches past their hour, on db (a pool or a transaction), and
// returns how many.
func PurgeImports(ctx context.Context, db postgres.DBTX) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM import_batches WHERE expires_at < now()`)
	if err != nil {
		return 0, fmt.Errorf("signups: import: purge: %w", err)
	}
	return tag.RowsAffected(), nil
}

// batch is a staged file as read back.
type batch struct {
	id         int64
	file       stagedFile
	fileHash   []byte
	mapping    []string
	importedAt *time.Time
	outcome    []rowOutcome
}

// loadBatch reads by's batch id (locked for update when lock is set), opened with ring. A
// batch of someone else, expired, or sealed under a key no longer held is ErrNotFound.
func loadBatch(ctx context.Context, db postgres.DBTX, id int64, ring *secrets.Keyring, by audit.Actor, lock bool) (batch, error) {
	b := batch{id: id}
	var keyID string
	var sealed, outcome []byte
	q := `SELECT file_hash, key_id, sealed, mapping, imported_at, outcome FROM import_batches
		WHERE id = $1 AND created_by = $2 AND expires_at > now()`
	if lock {
		q += ` FOR UPDATE`
	}
	err := db.QueryRow(ctx, q, id, by.ID).Scan(&b.fileHash, &keyID, &sealed, &b.mapping, &b.importedAt, &outcome)
	if err != nil {
		return b, fmt.Errorf("signups: import: %w", postgres.MapError(err))
	}
	ctxt := sealContext(by.ID, b.fileHash)
	plain, err := ring.Open(keyID, sealed, ctxt)
	if err != nil {
		return b, fmt.Errorf("signups: import: %w (%v)", postgres.ErrNotFound, err)
	}
	if err := json.Unmarshal(plain, &b.file); err != nil {
		return b, fmt.Errorf("signups: import: %w", err)
	}
	if outcome != nil {
		if plain, err = ring.Open(keyID, outcome, ctxt+" outcome"); err != nil {
			return b, fmt.Errorf("signups: import: %w (%v)", postgres.ErrNotFound, err)
		}
		if err := json.Unmarshal(plain, &b.outcome); err != nil {
			return b, fmt.Errorf("signups: import: %w", err)
		}
	}
	b.mapping = slices.Grow(b.mapping, 0)
	for len(b.mapping) < len(b.file.Head) {
		b.mapping = append(b.mapping, "")
	}
	return b, nil
}

// ImportPreview is a staged file as staff see it: its columns with their mapping and an
// example, and every row read with that mapping. After the import it is the report: each
// row says whether it was imported (ParticipantID) or skipped and why.
type ImportPreview struct {
	ID         int64
	FileName   string
	Kind       string
	Header     []string
	Examples   []string // the first value of each column
	Mapping    []string // the field of each column, "" for none
	Rows       []ImportRow
	Imported   map[int]int64 // after the import: participant id by line
	ImportedAt *time.Time
	Good, Bad  int
}

// Problems lists the rows that cannot be imported (or, after the import, were skipped).
func (p ImportPreview) Problems() []ImportRow {
	var out []ImportRow
	for _, r := range p.Rows {
		if !r.OK() {
			out = append(out, r)
		}
	}
	return out
}

// ImportPreview reads by's batch id with its mapping against the catalogue and the people
// here, and records in the audit log that by saw the rows (they are personal data and say
// who is here already).
func (s *Store) ImportPreview(ctx context.Context, id int64, ring *secrets.Keyring, by audit.Actor, now time.Time) (ImportPreview, error) {
	var p ImportPreview
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		b, err := loadBatch(ctx, tx, id, ring, by, false)
		if err != nil {
			return err
		}
		p = ImportPreview{ID: id, FileName: b.file.Name, Kind: b.file.Kind, Header: b.file.Head, Mapping: b.mapping,
			ImportedAt: b.importedAt}
		for i := range b.file.Head {
			ex := ""
			for _, row := range b.file.Rows {
				if i < len(row) && row[i] != "" {
					ex = row[i]
					break
				}
			}
			p.Examples = append(p.Examples, ex)
		}
		if b.importedAt != nil {
			// The report: the rows as they were read at the import, with what became of them.
			p.Rows, p.Imported = make([]ImportRow, len(b.outcome)), map[int]int64{}
			var rows []ImportRow
			if rows, err = readRows(ctx, tx, b.file.table(), b.mapping, now); err != nil {
				return err
			}
			for i, o := range b.outcome {
				if i < len(rows) {
					p.Rows[i] = rows[i]
				}
				p.Rows[i].Problems = o.Problems
				if o.ParticipantID != 0 {
					p.Imported[p.Rows[i].Line] = o.ParticipantID
				}
			}
		} else if p.Rows, err = readRows(ctx, tx, b.file.table(), b.mapping, now); err != nil {
			return err
		}
		for _, r := range p.Rows {
			if r.OK() {
				p.Good++
			} else {
				p.Bad++
			}
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ImportViewed, Entity: "import", EntityID: id})
	})
	return p, err
}

// SetImportMapping sets which field each column of by's batch id fills ("" for none). A
// mapping that fills a field twice, or lacks the name, a way to reach people or what they
// wait for, is a validate.Errors on the columns ("kol-<i>") or on "kolonner".
func (s *Store) SetImportMapping(ctx context.Context, id int64, mapping []string, by audit.Actor) error {
	var columns int
	err := s.db.QueryRow(ctx, `SELECT jsonb_array_length(mapping) FROM import_batches
		WHERE id = $1 AND created_by = $2 AND expires_at > now() AND imported_at IS NULL`, id, by.ID).Scan(&columns)
	if err != nil {
		return fmt.Errorf("signups: import: mapping: %w", postgres.MapError(err))
	}
	if len(mapping) != columns {
		return fmt.Errorf("signups: import: mapping: %w", postgres.ErrInvalid)
	}
	if errs := CheckMapping(mapping); !errs.OK() {
		return errs
	}
	raw, _ := json.Marshal(mapping)
	_, err = s.db.Exec(ctx, `UPDATE import_batches SET mapping = $2 WHERE id = $1`, id, raw)
	if err != nil {
		return fmt.Errorf("signups: import: mapping: %w", postgres.MapError(err))
	}
	return nil
}

// CheckMapping checks a mapping (see SetImportMapping); an unknown field is ignored (none).
func CheckMapping(mapping []string) validate.Errors {
	var errs validate.Errors
	seen := map[string]bool{}
	for i, f := range mapping {
		if f == "" {
			continue
		}
		if !slices.Contains(ImportFields, f) {
			mapping[i] = ""
			continue
		}
		if seen[f] {
			errs.Add("kol-"+strconv.Itoa(i), "import.mapping.twice")
		}
		seen[f] = true
	}
	switch {
	case !seen[FieldName]:
		errs.Add("kolonner", "import.mapping.name")
	case !seen[FieldEmail] && !seen[FieldPhone]:
		errs.Add("kolonner", "import.mapping.contact")
	case !seen[FieldTheme] && !seen[FieldGroup]:
		errs.Add("kolonner", "import.mapping.target")
	}
	return errs
}

// ImportResult says what RunImport did.
type ImportResult struct {
	Imported, Skipped int
}

// RunImport imports the good rows of by's batch id in one transaction: for each, a person
// marked as imported (nothing automatic reaches them until staff confirm their consent) and
// their sign-up waiting since the row's date, each with an audit line on the person; the
// skipped rows keep their reasons for the report. Imports run one at a time, so two staff
// importing the same file add each person once.
func (s *Store) RunImport(ctx context.Context, id int64, ring *secrets.Keyring, by audit.Actor, now time.Time) (ImportResult, error) {
	var res ImportResult
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('signups.import'))`); err != nil {
			return fmt.Errorf("signups: import: lock: %w", err)
		}
		b, err := loadBatch(ctx, tx, id, ring, by, true)
		if err != nil {
			return err
		}
		if b.importedAt != nil {
			return ErrImportDone
		}
		if errs := CheckMapping(b.mapping); !errs.OK() {
			return errs
		}
		rows, err := readRows(ctx, tx, b.file.table(), b.mapping, now)
		if err != nil {
			return err
		}
		outcome := make([]rowOutcome, len(rows))
		for i, r := range rows {
			if !r.OK() {
				outcome[i].Problems = r.Problems
				res.Skipped++
				continue
			}
			if outcome[i].ParticipantID, err = importRow(ctx, tx, r, id, by, now); err != nil {
				return err
			}
			res.Imported++
		}
		plain, err := json.Marshal(outcome)
		if err != nil {
			return fmt.Errorf("signups: import: %w", err)
		}
		// The outcome is sealed under the current key, which may differ from the rows' key
		// after a rotation: the rows are sealed again with it.
		_, sealed := ring.Seal(plain, sealContext(by.ID, b.fileHash)+" outcome")
		rawRows, err := json.Marshal(b.file)
		if err != nil {
			return fmt.Errorf("signups: import: %w", err)
		}
		keyID, resealed := ring.Seal(rawRows, sealContext(by.ID, b.fileHash))
		if _, err := tx.Exec(ctx, `UPDATE import_batches SET imported_at = $2, outcome = $3, key_id = $4, sealed = $5,
				expires_at = greatest(expires_at, $2::timestamptz + interval '1 hour') WHERE id = $1`,
			id, now, sealed, keyID, resealed); err != nil {
			return fmt.Errorf("signups: import: %w", err)
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ImportDone, Entity: "import", EntityID: id,
			Details: map[string]any{"imported": res.Imported, "skipped": res.Skipped, "file_hash": hex.EncodeToString(b.fileHash),
				"file_name_hash": hashHex(b.file.Name)}})
	})
	return res, err
}

// importRow stores one good row: the person, marked as imported, and the sign-up, waiting
// since the row's date (or now). The person's contact stays what the row said; reachColumns
// keeps them on the phone until their consent is confirmed.
func importRow(ctx context.Context, tx pgx.Tx, r ImportRow, batchID int64, by audit.Actor, now time.Time) (int64, error) {
	var email, phone *string
	if r.Email != "" {
		email = &r.Email
	}
	if r.Phone != "" {
		phone = &r.Phone
	}
	var pid int64
	err := tx.QueryRow(ctx, `INSERT INTO participants (first_name, email, phone, contact, lang, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.FirstName, email, phone, r.Contact, r.Lang, now).Scan(&pid)
	if err != nil {
		return 0, fmt.Errorf("signups: import: participant: %w", postgres.MapError(err))
	}
	var group, theme *int64
	if r.Target.GroupID != 0 {
		group = &r.Target.GroupID
	}
	if r.Target.ThemeID != 0 {
		theme = &r.Target.ThemeID
	}
	since := r.WaitingSince
	if since.IsZero() {
		since = now
	}
	// No preferences are known: every format, any time, the row's language. Staff ask when
	// they phone to confirm the consent.
	_, err = tx.Exec(ctx, `INSERT INTO signups (participant_id, group_id, theme_id, formats, languages, note,
			consent_version, consented_at, waiting_since, status_changed_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8)`,
		pid, group, theme, Formats, []string{r.Lang}, r.Note, ImportConsent, now, since)
	if err != nil {
		return 0, fmt.Errorf("signups: import: sign-up: %w", postgres.MapError(err))
	}
	return pid, audit.Record(ctx, tx, by, audit.Entry{Action: audit.ParticipantImported, Entity: "participant", EntityID: pid,
		Details: map[string]any{"import": batchID, "line": r.Line}})
}
