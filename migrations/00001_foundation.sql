-- +goose Up
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS citext;

-- Sessions for github.com/alexedwards/scs/pgxstore: shared by every app instance and kept
-- across restarts.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Themes of self-help groups (angst, sorg, pårørende …). Names are kept in both languages
-- because they are shown on public pages in nb and en.
CREATE TABLE themes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_nb        text NOT NULL CHECK (length(name_nb) BETWEEN 1 AND 80),
    name_en        text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    description_nb text NOT NULL DEFAULT '' CHECK (length(description_nb) <= 2000),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Meeting rooms at Kirkeveien 61.
CREATE TABLE rooms (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
    floor        smallint NOT NULL DEFAULT 6,
    capacity     integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    step_free    boolean NOT NULL DEFAULT true,
    hearing_loop boolean NOT NULL DEFAULT false,
    hybrid_ready boolean NOT NULL DEFAULT false,
    bookable     boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE rooms;
DROP TABLE themes;
DROP TABLE sessions;
DROP EXTENSION IF EXISTS citext;
DROP EXTENSION IF EXISTS btree_gist;
