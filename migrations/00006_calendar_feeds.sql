-- +goose Up
-- Secret calendar feed links (iCal) per room and per group. Only the SHA-256 of the token
-- is stored; staff rotate a leaked link, which ends the old one at once.
CREATE TABLE calendar_feeds (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('room', 'group')),
    target_id  bigint NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE UNIQUE INDEX calendar_feeds_active_idx ON calendar_feeds (kind, target_id) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE calendar_feeds;
