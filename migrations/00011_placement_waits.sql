-- +goose Up
-- How long each placed person waited, without who they are: one row per placement, kept when
-- the person is deleted, for the report's waiting time to placement (median per theme).
CREATE TABLE placement_waits (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year      integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    theme_id  bigint REFERENCES themes (id) ON DELETE SET NULL, -- NULL: a sign-up for one group
    days      integer NOT NULL CHECK (days >= 0),
    via_offer boolean NOT NULL DEFAULT false
);
CREATE INDEX placement_waits_year_idx ON placement_waits (year, theme_id);

-- +goose Down
DROP TABLE placement_waits;
