-- +goose Up
-- An event staff cancelled: it leaves the public list, takes no sign-ups, and those signed up
-- and waiting were told once, in the transaction that set it. What staff wrote to them is
-- kept only in the outbox until it is sent.
ALTER TABLE events ADD COLUMN cancelled_at timestamptz;

-- +goose Down
ALTER TABLE events DROP COLUMN cancelled_at;
