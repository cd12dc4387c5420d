-- +goose Up
-- STOPP: an SMS answer "STOPP" from a number stops SMS to every participant with that number.
-- Numbers are stored as typed (91234567, +4791234567, 004791234567); the app compares them in
-- E.164 form. This index finds the few whose last eight digits match, among many.
CREATE INDEX participants_phone_tail_idx ON participants (right(regexp_replace(phone, '[^0-9]', '', 'g'), 8))
    WHERE phone IS NOT NULL;

-- +goose Down
DROP INDEX participants_phone_tail_idx;
