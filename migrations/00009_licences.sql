-- +goose Up
-- The register of organisations grows what staff keep about each: membership of the Oslo
-- self-help network, the collaboration agreement, a contact and notes.
ALTER TABLE orgs
    ADD COLUMN network_member    boolean NOT NULL DEFAULT false,
    ADD COLUMN agreement_signed  date,
    ADD COLUMN agreement_expires date,
    ADD COLUMN contact_name      text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 120),
    ADD COLUMN contact_email     citext NOT NULL DEFAULT '' CHECK (contact_email = '' OR length(contact_email) BETWEEN 3 AND 254),
    ADD COLUMN contact_phone     text NOT NULL DEFAULT '' CHECK (contact_phone = '' OR contact_phone ~ '^\+?[0-9]{8,15}$'),
    ADD COLUMN notes             text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    ADD COLUMN updated_at        timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT orgs_agreement_order CHECK (agreement_expires IS NULL OR agreement_signed IS NULL OR agreement_expires >= agreement_signed);
CREATE INDEX orgs_name_idx ON orgs ((name COLLATE "nb-NO-x-icu"), id);

-- Zoom and Whereby licences the centre lends: "a kind of digital key". The password or room
-- key is sealed with AES-256-GCM (internal/secrets); key_id names the key that sealed it.
CREATE TABLE licences (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider            text NOT NULL CHECK (provider IN ('zoom', 'whereby')),
    label               text NOT NULL UNIQUE CHECK (length(label) BETWEEN 1 AND 80),
    max_participants    integer NOT NULL CHECK (max_participants BETWEEN 1 AND 10000),
    max_minutes         integer CHECK (max_minutes IS NULL OR max_minutes BETWEEN 1 AND 1440), -- NULL: no limit
    account_login       text NOT NULL CHECK (length(account_login) BETWEEN 1 AND 254),
    secret              bytea NOT NULL,
    key_id              text NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    password_change_due boolean NOT NULL DEFAULT false, -- after a return, until staff change it
    funding             text NOT NULL DEFAULT '' CHECK (length(funding) <= 200),
    notes               text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX licences_key_idx ON licences (key_id);

-- A request to borrow a licence: from a partner organisation's user, or made by staff on
-- behalf of a group. The period is whole local days, [first day 00:00, day after last 00:00).
CREATE TABLE licence_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          bigint REFERENCES orgs (id),
    group_id        bigint REFERENCES groups (id) ON DELETE CASCADE,
    requested_by    bigint REFERENCES users (id),
    provider        text NOT NULL CHECK (provider IN ('zoom', 'whereby')),
    period          tstzrange NOT NULL CHECK (NOT isempty(period) AND lower_inc(period) AND NOT upper_inc(period)),
    purpose         text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
    participants    integer NOT NULL CHECK (participants BETWEEN 1 AND 10000),
    contact_name    text NOT NULL CHECK (length(contact_name) BETWEEN 1 AND 120),
    contact_email   citext NOT NULL CHECK (length(contact_email) BETWEEN 3 AND 254),
    contact_phone   text NOT NULL DEFAULT '' CHECK (contact_phone = '' OR contact_phone ~ '^\+?[0-9]{8,15}$'),
    lang            text NOT NULL DEFAULT 'nb' CHECK (lang ~ '^[a-z]{2}$'),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
    decision_reason text NOT NULL DEFAULT '' CHECK (length(decision_reason) <= 500),
    decided_by      bigint REFERENCES users (id),
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT licence_requests_requester CHECK ((org_id IS NULL) <> (group_id IS NULL)),
    CONSTRAINT licence_requests_decided CHECK ((status IN ('approved', 'declined')) = (decided_at IS NOT NULL)),
    CONSTRAINT licence_requests_reason CHECK (status <> 'declined' OR decision_reason <> '')
);
CREATE INDEX licence_requests_pending_idx ON licence_requests (created_at, id) WHERE status = 'pending';
CREATE INDEX licence_requests_org_idx ON licence_requests (org_id, created_at DESC) WHERE org_id IS NOT NULL;
CREATE INDEX licence_requests_group_idx ON licence_requests (group_id, created_at DESC) WHERE group_id IS NOT NULL;

-- A loan: a licence lent for a period. The exclusion constraint makes lending one licence
-- twice at once impossible, whatever the application does. A return before the end shortens
-- the period (the rest is free again); a loan ended before it began is cancelled.
CREATE TABLE licence_loans (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    licence_id        bigint NOT NULL REFERENCES licences (id),
    request_id        bigint NOT NULL UNIQUE REFERENCES licence_requests (id),
    org_id            bigint REFERENCES orgs (id),
    group_id          bigint REFERENCES groups (id) ON DELETE SET NULL,
    period            tstzrange NOT NULL CHECK (NOT isempty(period) AND lower_inc(period) AND NOT upper_inc(period)),
    returned_at       timestamptz,
    returned_to       bigint REFERENCES users (id),
    cancelled_at      timestamptz,
    reminded_week_at  timestamptz, -- the reminder 7 days before the end was sent
    reminded_day_at   timestamptz, -- the reminder 1 day before the end was sent
    overdue_sent_at   timestamptz, -- the overdue notice was sent
    created_by        bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT licence_loans_no_overlap
        EXCLUDE USING gist (licence_id WITH =, period WITH &&) WHERE (cancelled_at IS NULL)
);
CREATE INDEX licence_loans_licence_idx ON licence_loans (licence_id, lower(period) DESC);
CREATE INDEX licence_loans_org_idx ON licence_loans (org_id, lower(period) DESC) WHERE org_id IS NOT NULL;
CREATE INDEX licence_loans_open_idx ON licence_loans (upper(period)) WHERE returned_at IS NULL AND cancelled_at IS NULL;

-- +goose Down
DROP TABLE licence_loans;
DROP TABLE licence_requests;
DROP TABLE licences;
DROP INDEX orgs_name_idx;
ALTER TABLE orgs DROP CONSTRAINT orgs_agreement_order, DROP COLUMN network_member, DROP COLUMN agreement_signed,
    DROP COLUMN agreement_expires, DROP COLUMN contact_name, DROP COLUMN contact_email, DROP COLUMN contact_phone,
    DROP COLUMN notes, DROP COLUMN updated_at;
