-- +goose Up
-- Standing exceptions to the opening hours: a group (or any booking in a room) may meet on a
-- weekday and at times the house is otherwise closed — the Al-Anon meeting on Sunday evening —
-- without staff writing a reason on each booking. Public holidays and closures still apply.
CREATE TABLE opening_exceptions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens      time NOT NULL,
    closes     time NOT NULL CHECK (closes > opens),
    room_id    bigint REFERENCES rooms (id),
    group_id   bigint REFERENCES groups (id) ON DELETE CASCADE,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT opening_exceptions_for CHECK (room_id IS NOT NULL OR group_id IS NOT NULL)
);
CREATE INDEX opening_exceptions_weekday_idx ON opening_exceptions (weekday);

-- +goose Down
DROP TABLE opening_exceptions;
