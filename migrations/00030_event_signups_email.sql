-- +goose Up
-- A person's event sign-ups are found by their address: for their own download
-- (/mine/{token}/data.json) and when they delete everything about themselves. Read on an
-- index whatever the number of sign-ups.
CREATE INDEX event_signups_email_idx ON event_signups (email);

-- +goose Down
DROP INDEX event_signups_email_idx;
