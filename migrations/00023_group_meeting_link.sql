-- +goose Up
-- The meeting link (an https URL) and optional passcode of a digital or hybrid group, set by
-- staff or the group's contact person. Only members see them, on their private page and in
-- the mail and SMS sent to members: the catalogue, the JSON feed and the iCal feeds never read
-- these columns.
ALTER TABLE groups
    ADD COLUMN meeting_link     text NOT NULL DEFAULT ''
        CHECK (meeting_link = '' OR (meeting_link ~ '^https://[^\s]+$' AND length(meeting_link) <= 500)),
    ADD COLUMN meeting_passcode text NOT NULL DEFAULT '' CHECK (length(meeting_passcode) <= 100);

-- +goose Down
ALTER TABLE groups DROP COLUMN meeting_passcode, DROP COLUMN meeting_link;
