-- +goose Up
-- An open meeting is drop-in: anyone may come along without signing up (most twelve-step
-- meetings: AA, NA, Al-Anon). It has no sign-up form, matching never proposes it, and the
-- Meeting Guide feed marks it "O" (open) where other groups are "C" (closed: members only).
-- The twelve-step groups already in the catalogue are drop-in meetings, as the house runs them.
ALTER TABLE groups ADD COLUMN open_meeting boolean NOT NULL DEFAULT false;
UPDATE groups SET open_meeting = true WHERE twelve_step;

-- +goose Down
ALTER TABLE groups DROP COLUMN open_meeting;
