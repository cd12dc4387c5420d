-- +goose Up
-- Withdraw and the foreign key of memberships.signup_id look memberships up by sign-up.
CREATE INDEX memberships_signup_idx ON memberships (signup_id) WHERE signup_id IS NOT NULL;
-- Deleting a person removes the mail to their address.
CREATE INDEX outbox_to_addr_idx ON outbox (lower(to_addr));
-- Phone numbers no longer join sign-ups into one person (they are not verified).
DROP INDEX participants_phone_idx;
CREATE INDEX participants_phone_idx ON participants (phone) WHERE phone IS NOT NULL;

-- +goose Down
DROP INDEX participants_phone_idx;
CREATE UNIQUE INDEX participants_phone_idx ON participants (phone) WHERE phone IS NOT NULL AND email IS NULL;
DROP INDEX outbox_to_addr_idx;
DROP INDEX memberships_signup_idx;
