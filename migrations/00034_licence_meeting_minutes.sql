-- +goose Up
-- How long the meetings of a loan request last, in minutes: a licence whose plan cuts
-- meetings shorter (Zoom's 40 minutes) does not fit. Requests made before it was asked are
-- NULL: unknown.
ALTER TABLE licence_requests ADD COLUMN meeting_minutes integer CHECK (meeting_minutes BETWEEN 15 AND 720);

-- +goose Down
ALTER TABLE licence_requests DROP COLUMN meeting_minutes;
