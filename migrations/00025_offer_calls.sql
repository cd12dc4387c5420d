-- +goose Up
-- An offer goes to each person by the channel they chose: e-mail, SMS, or a call from staff
-- ('phone': they asked to be phoned, or nobody can write to them). No message goes with a
-- call offer, and its clock has not started: deadline stays NULL until staff record that they
-- called and the person wants to think it over (then deadline = that time + answer_days, the
-- days staff gave when they sent the offers). The expiry job leaves such an offer alone.
-- call_attempts are the times staff called without getting an answer; call_note is what staff
-- keep about the calls (never sent anywhere).
ALTER TABLE offers
    ADD COLUMN channel       text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms', 'phone')),
    ADD COLUMN answer_days   smallint NOT NULL DEFAULT 7 CHECK (answer_days BETWEEN 1 AND 30),
    ADD COLUMN called_at     timestamptz,
    ADD COLUMN call_attempts timestamptz[] NOT NULL DEFAULT '{}',
    ADD COLUMN call_note     text NOT NULL DEFAULT '' CHECK (length(call_note) <= 500),
    ALTER COLUMN deadline DROP NOT NULL,
    ADD CONSTRAINT offers_clock CHECK (deadline IS NOT NULL OR channel = 'phone');
-- The offers made before: the channel by the rule the staff's list used.
UPDATE offers o SET channel = CASE WHEN p.contact = 'email' AND p.email IS NOT NULL THEN 'email' ELSE 'sms' END
FROM signups s JOIN participants p ON p.id = s.participant_id WHERE s.id = o.signup_id;
-- The call list (/admin/ringeliste): the open offers waiting for a call, oldest first.
CREATE INDEX offers_calls_idx ON offers (made_at, id) WHERE status = 'pending' AND channel = 'phone';

-- +goose Down
DROP INDEX offers_calls_idx;
UPDATE offers SET deadline = made_at + make_interval(days => answer_days) WHERE deadline IS NULL;
ALTER TABLE offers
    DROP CONSTRAINT offers_clock,
    ALTER COLUMN deadline SET NOT NULL,
    DROP COLUMN call_note,
    DROP COLUMN call_attempts,
    DROP COLUMN called_at,
    DROP COLUMN answer_days,
    DROP COLUMN channel;
