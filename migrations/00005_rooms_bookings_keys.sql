-- +goose Up
-- The house's opening hours per ISO weekday (1 is Monday); a missing day is closed.
CREATE TABLE opening_hours (
    weekday smallint PRIMARY KEY CHECK (weekday BETWEEN 1 AND 7),
    opens   time NOT NULL,
    closes  time NOT NULL CHECK (closes > opens)
);
INSERT INTO opening_hours (weekday, opens, closes) VALUES
    (1, '09:00', '22:00'), (2, '09:00', '22:00'), (3, '09:00', '22:00'), (4, '09:00', '22:00'),
    (5, '09:00', '20:00'), (6, '10:00', '18:00');

-- Closures other than the public holidays (which are computed): the Christmas closure and
-- ad-hoc ones. Days are local dates; the range is inclusive of first and last day.
CREATE TABLE closures (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_day  date NOT NULL,
    last_day   date NOT NULL CHECK (last_day >= first_day),
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX closures_days_idx ON closures (first_day, last_day);

-- A booking of a room, one-off or recurring, for a group, a partner organisation or an
-- internal event. Its occurrences are rows of booking_occurrences.
CREATE TABLE bookings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id         bigint NOT NULL REFERENCES rooms (id),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    holder          text NOT NULL CHECK (holder IN ('group', 'org', 'internal')),
    group_id        bigint REFERENCES groups (id),
    org_id          bigint REFERENCES orgs (id),
    frequency       text NOT NULL DEFAULT 'once' CHECK (frequency IN ('once', 'weekly', 'biweekly')),
    standing        boolean NOT NULL DEFAULT false, -- a standing agreement for a season
    override_reason text NOT NULL DEFAULT '' CHECK (length(override_reason) <= 300),
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bookings_holder CHECK ((holder = 'group') = (group_id IS NOT NULL) AND (holder = 'org') = (org_id IS NOT NULL))
);
CREATE INDEX bookings_room_idx ON bookings (room_id);
CREATE INDEX bookings_group_idx ON bookings (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX bookings_org_idx ON bookings (org_id) WHERE org_id IS NOT NULL;

-- Every meeting is a row, so one can be cancelled. The exclusion constraint makes double
-- booking of a room impossible, whatever the application does.
CREATE TABLE booking_occurrences (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id    bigint NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    room_id       bigint NOT NULL REFERENCES rooms (id),
    during        tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)),
    cancelled_at  timestamptz,
    cancel_reason text NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 300),
    CONSTRAINT booking_occurrences_no_overlap
        EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (cancelled_at IS NULL)
);
CREATE INDEX booking_occurrences_booking_idx ON booking_occurrences (booking_id, lower(during));
CREATE INDEX booking_occurrences_start_idx ON booking_occurrences (lower(during)) WHERE cancelled_at IS NULL;

-- Keys and cards to the rooms, handed out to a group's contact person.
CREATE TABLE keys (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label      text NOT NULL UNIQUE CHECK (length(label) BETWEEN 1 AND 60),
    kind       text NOT NULL DEFAULT 'key' CHECK (kind IN ('key', 'card')),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE key_rooms (
    key_id  bigint NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
    room_id bigint NOT NULL REFERENCES rooms (id),
    PRIMARY KEY (key_id, room_id)
);
CREATE TABLE key_loans (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id        bigint NOT NULL REFERENCES keys (id),
    holder_name   text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 120),
    holder_phone  text NOT NULL DEFAULT '' CHECK (holder_phone = '' OR holder_phone ~ '^\+?[0-9]{8,15}$'),
    group_id      bigint REFERENCES groups (id),
    booking_id    bigint REFERENCES bookings (id), -- the standing agreement the key is for
    handed_out_at timestamptz NOT NULL DEFAULT now(),
    due_at        date,
    returned_at   timestamptz,
    handed_out_by bigint REFERENCES users (id),
    returned_to   bigint REFERENCES users (id),
    CONSTRAINT key_loans_order CHECK (returned_at IS NULL OR returned_at >= handed_out_at)
);
-- A key is out to one holder at a time.
CREATE UNIQUE INDEX key_loans_out_idx ON key_loans (key_id) WHERE returned_at IS NULL;
CREATE INDEX key_loans_key_idx ON key_loans (key_id, handed_out_at DESC);
CREATE INDEX key_loans_due_idx ON key_loans (due_at) WHERE returned_at IS NULL;

-- +goose Down
DROP TABLE key_loans;
DROP TABLE key_rooms;
DROP TABLE keys;
DROP TABLE booking_occurrences;
DROP TABLE bookings;
DROP TABLE closures;
DROP TABLE opening_hours;
