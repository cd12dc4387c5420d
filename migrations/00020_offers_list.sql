-- +goose Up
-- The staff's list of offers (/admin/tilbud), newest first and filtered by state: read on an
-- index whatever the number of offers.
CREATE INDEX offers_status_made_idx ON offers (status, made_at DESC, id DESC);

-- +goose Down
DROP INDEX offers_status_made_idx;
