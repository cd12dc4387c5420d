-- +goose Up
-- A group's contact person: usually the one who holds the key. They see the group's schedule
-- and ask for room changes through a private link, without an account. Only the SHA-256 of
-- the link's token is stored; sending a new link ends the old one, and a link ends
-- after half a year (contact persons change with the seasons).
CREATE TABLE group_contacts (
    group_id     bigint PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    email        citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone        text NOT NULL DEFAULT '' CHECK (phone = '' OR phone ~ '^\+?[0-9]{8,15}$'),
    link_hash    bytea UNIQUE,
    link_sent_at timestamptz,
    link_expires timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A request for a room time (kind slot) or for cancelling one meeting (kind cancel), from a
-- partner organisation's user or from a group's contact person. Staff approve (which books
-- or cancels in the same transaction) or decline with a reason; the requester may withdraw
-- while it is pending.
CREATE TABLE booking_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('slot', 'cancel')),
    org_id          bigint REFERENCES orgs (id),
    group_id        bigint REFERENCES groups (id) ON DELETE CASCADE,
    requested_by    bigint REFERENCES users (id), -- the partner user; NULL: the group's contact person
    reply_to        citext NOT NULL CHECK (length(reply_to) BETWEEN 3 AND 254),
    room_id         bigint REFERENCES rooms (id),
    title           text NOT NULL DEFAULT '' CHECK (length(title) <= 120),
    first_day       date,
    starts_at       time,
    ends_at         time,
    frequency       text NOT NULL DEFAULT 'once' CHECK (frequency IN ('once', 'weekly', 'biweekly')),
    until_day       date,
    occurrence_id   bigint REFERENCES booking_occurrences (id) ON DELETE CASCADE,
    message         text NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
    lang            text NOT NULL DEFAULT 'nb' CHECK (lang ~ '^[a-z]{2}$'), -- the answer's language
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
    decision_reason text NOT NULL DEFAULT '' CHECK (length(decision_reason) <= 500),
    decided_by      bigint REFERENCES users (id),
    decided_at      timestamptz,
    booking_id      bigint REFERENCES bookings (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT booking_requests_requester CHECK ((org_id IS NULL) <> (group_id IS NULL)),
    CONSTRAINT booking_requests_slot CHECK (kind <> 'slot' OR (room_id IS NOT NULL AND first_day IS NOT NULL
        AND starts_at IS NOT NULL AND ends_at > starts_at AND (frequency = 'once' OR until_day >= first_day))),
    CONSTRAINT booking_requests_cancel CHECK (kind <> 'cancel' OR occurrence_id IS NOT NULL),
    CONSTRAINT booking_requests_decided CHECK ((status IN ('approved', 'declined')) = (decided_at IS NOT NULL)),
    CONSTRAINT booking_requests_reason CHECK (status <> 'declined' OR decision_reason <> '')
);
CREATE INDEX booking_requests_pending_idx ON booking_requests (created_at, id) WHERE status = 'pending';
CREATE INDEX booking_requests_org_idx ON booking_requests (org_id, created_at DESC) WHERE org_id IS NOT NULL;
CREATE INDEX booking_requests_group_idx ON booking_requests (group_id, created_at DESC) WHERE group_id IS NOT NULL;
-- One pending cancel request per meeting.
CREATE UNIQUE INDEX booking_requests_cancel_once_idx ON booking_requests (occurrence_id) WHERE status = 'pending';

-- +goose Down
DROP TABLE booking_requests;
DROP TABLE group_contacts;
