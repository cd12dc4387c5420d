-- +goose Up
-- People who came in from an imported waiting list (a spreadsheet the centre kept before):
-- imported_at marks them. They never gave their consent on our form, so nothing automatic
-- goes to them (no e-mail, no SMS: every message becomes a call task for staff) until staff
-- have phoned them once and recorded that they agree (consent_confirmed_at, by whom).
ALTER TABLE participants
    ADD COLUMN imported_at          timestamptz,
    ADD COLUMN consent_confirmed_at timestamptz,
    ADD COLUMN consent_confirmed_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD CONSTRAINT participants_confirmed_import CHECK (consent_confirmed_at IS NULL OR imported_at IS NOT NULL);
-- The list "Importert – bekreft samtykke", oldest import first.
CREATE INDEX participants_unconfirmed_idx ON participants (imported_at, id)
    WHERE imported_at IS NOT NULL AND consent_confirmed_at IS NULL;

-- An uploaded file between its steps (map the columns, preview, import, report). The rows
-- are personal data: they are stored only sealed (AES-GCM under SECRET_KEY, key_id names
-- the key), with the column mapping and, after the import, the sealed outcome of each row.
-- A batch lives one hour (expires_at) and belongs to the staff member who uploaded it; the
-- expired ones are deleted at each upload and by the daily retention job.
CREATE TABLE import_batches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    file_hash   bytea NOT NULL,                      -- SHA-256 of the file, for the audit log
    key_id      text NOT NULL,
    sealed      bytea NOT NULL,                      -- the file's name, kind, header and rows
    mapping     jsonb NOT NULL DEFAULT '[]',         -- for each column, the field it fills ('' = none)
    imported_at timestamptz,
    outcome     bytea                                -- sealed: what became of each row
);
CREATE INDEX import_batches_expires_idx ON import_batches (expires_at);
CREATE INDEX import_batches_creator_idx ON import_batches (created_by);

-- +goose Down
DROP TABLE import_batches;
DROP INDEX participants_unconfirmed_idx;
ALTER TABLE participants
    DROP CONSTRAINT participants_confirmed_import,
    DROP COLUMN consent_confirmed_by,
    DROP COLUMN consent_confirmed_at,
    DROP COLUMN imported_at;
