-- +goose Up
-- SMS as a channel of the outbox. A row is an e-mail or an SMS; an SMS has a phone number in
-- E.164 form (+4791234567) as its recipient, a text body and no subject or HTML. It is queued
-- and sent like mail: written in the transaction of the change it tells about, sent once by a
-- worker that locks the row. A provider's refusal that no retry can mend (a 4xx answer: a
-- number that does not exist, a recipient who answered STOPP) is recorded in failed_at and
-- never retried.
ALTER TABLE outbox DROP CONSTRAINT outbox_to_addr_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_transport_check;
ALTER TABLE outbox
    ADD COLUMN channel   text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms')),
    ADD COLUMN failed_at timestamptz,
    ADD CONSTRAINT outbox_to_addr_check CHECK (CASE channel
        WHEN 'email' THEN length(to_addr) BETWEEN 3 AND 254 AND to_addr LIKE '%_@_%'
        ELSE to_addr ~ '^\+[1-9][0-9]{7,14}$' END),
    ADD CONSTRAINT outbox_subject_check CHECK (CASE channel
        WHEN 'email' THEN length(subject) BETWEEN 1 AND 200
        ELSE subject = '' AND html_body = '' AND reply_to IS NULL END),
    ADD CONSTRAINT outbox_transport_check CHECK (transport IN ('smtp', 'devmailbox', 'sms', 'devsms')),
    ADD CONSTRAINT outbox_failed_not_sent CHECK (failed_at IS NULL OR sent_at IS NULL);
-- The dev SMS inbox lists the newest SMS first.
CREATE INDEX outbox_sms_idx ON outbox (created_at DESC, id DESC) WHERE channel = 'sms';

-- How a participant wants to be reached: by e-mail, by SMS, or phoned by staff ("ring meg").
-- sms_stopped_at: they answered STOPP, or staff removed them from SMS; no SMS goes to them.
ALTER TABLE participants DROP CONSTRAINT participants_contact_check;
ALTER TABLE participants
    ADD CONSTRAINT participants_contact_check CHECK (contact IN ('email', 'sms', 'phone')),
    ADD COLUMN sms_stopped_at timestamptz;

-- +goose Down
ALTER TABLE participants DROP COLUMN sms_stopped_at;
ALTER TABLE participants DROP CONSTRAINT participants_contact_check;
UPDATE participants SET contact = 'sms' WHERE contact = 'phone';
ALTER TABLE participants ADD CONSTRAINT participants_contact_check CHECK (contact IN ('email', 'sms'));
DROP INDEX outbox_sms_idx;
DELETE FROM outbox WHERE channel = 'sms';
ALTER TABLE outbox DROP CONSTRAINT outbox_failed_not_sent;
ALTER TABLE outbox DROP CONSTRAINT outbox_transport_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_to_addr_check;
ALTER TABLE outbox DROP COLUMN failed_at, DROP COLUMN channel;
ALTER TABLE outbox
    ADD CONSTRAINT outbox_to_addr_check CHECK (length(to_addr) BETWEEN 3 AND 254 AND to_addr LIKE '%_@_%'),
    ADD CONSTRAINT outbox_subject_check CHECK (length(subject) BETWEEN 1 AND 200),
    ADD CONSTRAINT outbox_transport_check CHECK (transport IN ('smtp', 'devmailbox'));
