-- +goose Up
-- An offer of a place in a group, made by staff from the matcher's proposals. The person
-- answers through the link in the e-mail (only the SHA-256 of its token is stored) or on
-- their private page, before the deadline. Declined or expired: the sign-up waits again with
-- its original waiting time.
CREATE TABLE offers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signup_id   bigint NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
    group_id    bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    deadline    timestamptz NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
    made_by     bigint REFERENCES users (id),
    made_at     timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    CONSTRAINT offers_answered CHECK ((status = 'pending') = (answered_at IS NULL)),
    CONSTRAINT offers_deadline CHECK (deadline > made_at)
);
-- One open offer per sign-up.
CREATE UNIQUE INDEX offers_pending_idx ON offers (signup_id) WHERE status = 'pending';
CREATE INDEX offers_deadline_idx ON offers (deadline) WHERE status = 'pending';
CREATE INDEX offers_group_idx ON offers (group_id, status);
CREATE INDEX offers_made_idx ON offers (made_at);

-- +goose Down
DROP TABLE offers;
