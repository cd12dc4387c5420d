-- +goose Up
-- Outbox bodies sealed at rest, and a random Message-ID for every message.
--
-- A message's bodies (an e-mail's text and HTML, an SMS's text) hold working private links:
-- /mine/, /tilbud/, /gruppe/, /arrangement/, /nytt-passord/, /invitasjon/. From now on they
-- are stored only sealed, in sealed_body, with the id of the key in key_id: AES-256-GCM under
-- a key derived from SECRET_KEY (purpose "outbox"), bound to the row's message_id, channel and
-- recipient, so a sealed body copied to another row, or a row given another recipient, does
-- not open (internal/mail/seal.go). text_body and html_body stay NULL for them. Once the
-- message has gone out through SMTP or the SMS provider, or the provider refused it for good,
-- the sealed body is set NULL too: a sent message keeps its kind, recipient and times, no
-- content. Subjects stay in clear: they never hold a link or a theme.
--
-- SQL cannot seal (the key is not in the database). The bodies of messages already sent or
-- refused are emptied here. A message still waiting keeps its clear bodies until it is sent
-- (the worker reads them and then empties them) or `selvhjelpshus rotate-key` seals them; so
-- does a row that an instance still running the old code writes during a rolling deploy.
-- Such an instance's worker cannot read a sealed row (its NULL bodies fail the scan), so it
-- never sends one empty: its attempt fails and a new instance sends it.
--
-- message_id is the left-hand side of the Message-ID header (the worker adds "@" and the host
-- of BASE_URL): 128 random bits in base32 for a new message, the same on every attempt, so a
-- receiver drops a copy; unlike the outbox id it never repeats after a restore. Messages
-- already queued keep the id they may have been sent with before, outbox.<id>.
ALTER TABLE outbox
    ALTER COLUMN text_body DROP NOT NULL,
    ALTER COLUMN html_body DROP NOT NULL,
    ADD COLUMN message_id  text,
    ADD COLUMN key_id      text,
    ADD COLUMN sealed_body bytea;
UPDATE outbox SET message_id = 'outbox.' || id;
UPDATE outbox SET text_body = NULL, html_body = NULL
WHERE failed_at IS NOT NULL OR transport IN ('smtp', 'sms');
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox
    ALTER COLUMN message_id SET NOT NULL,
    -- For rows written by old code during a rolling deploy; the app makes its own.
    ALTER COLUMN message_id SET DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT outbox_message_id_key UNIQUE (message_id),
    ADD CONSTRAINT outbox_message_id_check CHECK (message_id ~ '^[A-Za-z0-9.]{8,64}$'),
    ADD CONSTRAINT outbox_sealed_has_key CHECK ((key_id IS NULL) = (sealed_body IS NULL)),
    ADD CONSTRAINT outbox_sealed_or_clear CHECK (sealed_body IS NULL OR (text_body IS NULL AND html_body IS NULL)),
    ADD CONSTRAINT outbox_subject_check CHECK (CASE channel
        WHEN 'email' THEN length(subject) BETWEEN 1 AND 200
        ELSE subject = '' AND coalesce(html_body, '') = '' AND reply_to IS NULL END);

-- +goose Down
-- Sealed bodies cannot be opened in SQL: waiting messages go down with empty bodies.
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox
    DROP CONSTRAINT outbox_sealed_or_clear,
    DROP CONSTRAINT outbox_sealed_has_key,
    DROP CONSTRAINT outbox_message_id_check,
    DROP CONSTRAINT outbox_message_id_key,
    DROP COLUMN sealed_body,
    DROP COLUMN key_id,
    DROP COLUMN message_id;
UPDATE outbox SET text_body = coalesce(text_body, ''), html_body = coalesce(html_body, '');
ALTER TABLE outbox
    ALTER COLUMN text_body SET NOT NULL,
    ALTER COLUMN html_body SET NOT NULL,
    ADD CONSTRAINT outbox_subject_check CHECK (CASE channel
        WHEN 'email' THEN length(subject) BETWEEN 1 AND 200
        ELSE subject = '' AND html_body = '' AND reply_to IS NULL END);
