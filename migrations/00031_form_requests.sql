-- +goose Up
-- A request from one of the open forms that mails a typed address: a sign-up for a group or
-- theme, an event sign-up, a new link to "My sign-ups" or a password reset. Nothing about the
-- address is stored in participants, sign-ups or accounts until its owner confirms (double
-- opt-in): the form's content waits here, sealed (AES-GCM under SECRET_KEY, key_id names the
-- key, bound to the row's id), for at most a day.
--
-- The rows are also the rate limiter's log, shared by every instance: client_hash (a keyed
-- hash of the client IP, or its /64) counts a client's requests per hour across all forms,
-- address_hash (a keyed hash of the lower-cased address) the mails to one address per day.
-- Neither can be turned back into an address or an IP without the app's key.
CREATE TABLE form_requests (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('signup', 'event', 'link', 'reset')),
    client_hash  bytea NOT NULL,
    address_hash bytea NOT NULL,
    key_id       text,
    payload      bytea,                  -- sealed; NULL once the request is done
    token_hash   bytea UNIQUE,           -- the confirmation link's, for 'signup' and 'event'
    capped       boolean NOT NULL DEFAULT false, -- over the address's daily cap: nothing was sent
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    done_at      timestamptz,            -- confirmed, or (link, reset) worked by the job
    CONSTRAINT form_requests_token CHECK ((token_hash IS NOT NULL) = (kind IN ('signup', 'event'))),
    CONSTRAINT form_requests_sealed CHECK (payload IS NULL OR key_id IS NOT NULL)
);
CREATE INDEX form_requests_client_idx ON form_requests (client_hash, created_at);
CREATE INDEX form_requests_address_idx ON form_requests (address_hash, created_at);
CREATE INDEX form_requests_created_idx ON form_requests (created_at);

-- +goose Down
DROP TABLE form_requests;
