-- +goose Up
-- The dashboard's counts, each on an index whatever the data: offers answered lately, and the
-- waiting list by theme (also its median).
CREATE INDEX offers_answered_idx ON offers (answered_at) WHERE status <> 'pending';
CREATE INDEX signups_waiting_idx ON signups (theme_id, waiting_since) WHERE status = 'waiting';

-- +goose Down
DROP INDEX signups_waiting_idx;
DROP INDEX offers_answered_idx;
