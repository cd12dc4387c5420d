-- +goose Up
-- The groups a person declined to wait for another, which matching never proposes to them
-- again: read per waiting sign-up's participant, on an index whatever the number of offers.
CREATE INDEX offers_declined_idx ON offers (signup_id, group_id) WHERE status = 'declined';

-- +goose Down
DROP INDEX offers_declined_idx;
