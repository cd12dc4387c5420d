-- +goose Up
-- E-mail waiting to be sent, and sent. A row is written in the same transaction as the change
-- it tells about (an invitation, a password reset …), together with a River job that sends
-- it: the mail exists if and only if the change committed. The worker sets sent_at once the
-- SMTP server (or, in development, the dev mailbox) has taken the message.
--
-- Subjects and bodies never name a participant's theme or group topic (see internal/mail).
CREATE TABLE outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind ~ '^[a-z]+(_[a-z]+)*$'),
    to_addr    text NOT NULL CHECK (length(to_addr) BETWEEN 3 AND 254 AND to_addr LIKE '%_@_%'),
    lang       text NOT NULL CHECK (lang IN ('nb', 'en')),
    subject    text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    text_body  text NOT NULL,
    html_body  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    transport  text CHECK (transport IN ('smtp', 'devmailbox')),
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text,
    CONSTRAINT outbox_sent_has_transport CHECK ((sent_at IS NULL) = (transport IS NULL))
);
-- The dev mailbox lists the newest first.
CREATE INDEX outbox_created_idx ON outbox (created_at DESC, id DESC);
-- Mail still waiting: small, because sent rows leave it.
CREATE INDEX outbox_unsent_idx ON outbox (created_at) WHERE sent_at IS NULL;
-- Purging sent mail after the retention period.
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- +goose Down
DROP TABLE outbox;
