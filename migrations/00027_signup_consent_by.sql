-- +goose Up
-- How a sign-up's consent was given: on the public form by the person ('form'), or orally on
-- the phone or at the desk, to the staff member consent_by, who read the consent text
-- (consent_version) aloud and signed the person up on their behalf ('oral'). It stays with
-- the sign-up, so it outlives the audit log's retention. A staff member's account is never
-- deleted while it matters, but if it is, the sign-up keeps 'oral' and loses the name.
ALTER TABLE signups
    ADD COLUMN consent_method text NOT NULL DEFAULT 'form' CHECK (consent_method IN ('form', 'oral')),
    ADD COLUMN consent_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD CONSTRAINT signups_consent_by CHECK (consent_method = 'oral' OR consent_by IS NULL);
-- For ON DELETE SET NULL on users: only the few oral sign-ups are indexed.
CREATE INDEX signups_consent_by_idx ON signups (consent_by) WHERE consent_by IS NOT NULL;

-- +goose Down
DROP INDEX signups_consent_by_idx;
ALTER TABLE signups
    DROP CONSTRAINT signups_consent_by,
    DROP COLUMN consent_by,
    DROP COLUMN consent_method;
