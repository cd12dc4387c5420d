-- +goose Up
-- Staff who want it get one mail a day listing the room and licence requests that arrived
-- since their last one. request_digest is the language of that mail (the language of the
-- account page where they chose it); NULL: no digest. request_digest_sent_at is when the
-- last one was sent: the next lists what arrived after it, and none is sent twice a day.
ALTER TABLE users
    ADD COLUMN request_digest text CHECK (request_digest IN ('nb', 'en')),
    ADD COLUMN request_digest_sent_at timestamptz;
CREATE INDEX users_request_digest_idx ON users (id) WHERE request_digest IS NOT NULL;

-- +goose Down
DROP INDEX users_request_digest_idx;
ALTER TABLE users DROP COLUMN request_digest_sent_at, DROP COLUMN request_digest;
