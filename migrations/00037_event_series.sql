-- +goose Up
-- An event series: the same event on a rule — every week, every second week, or the n-th (or
-- last) weekday of each month ("intro meeting the first Tuesday of the month") — from one date
-- to another. Its events are ordinary events, made through the booking rules when the series
-- is saved; each can be moved or cancelled on its own page.
CREATE TABLE event_series (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('intro', 'coffee', 'other')),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    rule         text NOT NULL CHECK (rule IN ('weekly', 'biweekly', 'monthly')),
    ordinal      smallint CHECK (ordinal IN (1, 2, 3, 4, -1)),
    weekday      smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts       time NOT NULL,
    ends         time NOT NULL,
    first_day    date NOT NULL,
    last_day     date NOT NULL,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_series_days CHECK (last_day >= first_day AND last_day <= first_day + 366),
    CONSTRAINT event_series_times CHECK (ends > starts),
    CONSTRAINT event_series_ordinal CHECK ((rule = 'monthly') = (ordinal IS NOT NULL))
);
CREATE INDEX event_series_days_idx ON event_series (last_day, id);

ALTER TABLE events ADD COLUMN series_id bigint REFERENCES event_series (id);
CREATE INDEX events_series_idx ON events (series_id, starts_at) WHERE series_id IS NOT NULL;

-- +goose Down
DROP INDEX events_series_idx;
ALTER TABLE events DROP COLUMN series_id;
DROP TABLE event_series;
