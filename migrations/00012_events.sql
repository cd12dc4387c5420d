-- +goose Up
-- Intro meetings ("what is a self-help group?"), digital coffee meetups and other events. An
-- event in the house books its room through the booking rules (bookings.id), so it cannot
-- collide; a digital one has a meeting link that only confirmed people see.
CREATE TABLE events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('intro', 'coffee', 'other')),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    format       text NOT NULL CHECK (format IN ('digital', 'house')),
    meeting_link text NOT NULL DEFAULT '' CHECK (meeting_link = '' OR meeting_link ~ '^https://'),
    room_id      bigint REFERENCES rooms (id),
    booking_id   bigint REFERENCES bookings (id),
    capacity     integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    published    boolean NOT NULL DEFAULT false,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_order CHECK (ends_at > starts_at),
    CONSTRAINT events_room CHECK (format <> 'house' OR room_id IS NOT NULL)
);
CREATE INDEX events_public_idx ON events (starts_at, id) WHERE published;
CREATE INDEX events_starts_idx ON events (starts_at, id);

-- A sign-up for an event: a first name and an e-mail address. Arrival order is the id. Its
-- private links (event_links) show the status, the meeting link when confirmed, the calendar
-- file, and cancel; a freed place is offered to the first waiting person.
CREATE TABLE event_signups (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    first_name     text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 60),
    email          citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    lang           text NOT NULL DEFAULT 'nb' CHECK (lang IN ('nb', 'en')),
    status         text NOT NULL CHECK (status IN ('confirmed', 'waiting', 'offered', 'cancelled', 'expired')),
    offer_deadline timestamptz,
    reminded_at    timestamptz,
    attended       boolean,
    consent_version text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_signups_offer CHECK ((status = 'offered') = (offer_deadline IS NOT NULL))
);
-- One active sign-up per address and event.
CREATE UNIQUE INDEX event_signups_active_idx ON event_signups (event_id, email) WHERE status IN ('confirmed', 'waiting', 'offered');
CREATE INDEX event_signups_event_idx ON event_signups (event_id, status, id);
CREATE INDEX event_signups_offer_idx ON event_signups (offer_deadline) WHERE status = 'offered';
CREATE INDEX event_signups_remind_idx ON event_signups (event_id) WHERE status = 'confirmed' AND reminded_at IS NULL;

-- The private links of a sign-up: one per e-mail sent (confirmation, offer, reminder), each
-- working as long as the sign-up exists. Only the SHA-256 of a token is stored.
CREATE TABLE event_links (
    token_hash bytea PRIMARY KEY,
    signup_id  bigint NOT NULL REFERENCES event_signups (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_links_signup_idx ON event_links (signup_id);

-- +goose Down
DROP TABLE event_links;
DROP TABLE event_signups;
DROP TABLE events;
