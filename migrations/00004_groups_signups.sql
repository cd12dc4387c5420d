-- +goose Up
-- Themes can be hidden from the public pages without deleting them (groups keep their theme).
ALTER TABLE themes ADD COLUMN published boolean NOT NULL DEFAULT true;

-- Self-help groups, conversation groups and coffee meetups. The schedule is a weekday and a
-- local (Europe/Oslo) start and end time, every week or every second week.
CREATE TABLE groups (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    kind           text NOT NULL CHECK (kind IN ('selfhelp', 'conversation', 'coffee')),
    format         text NOT NULL CHECK (format IN ('house', 'digital', 'hybrid', 'partner')),
    platform       text NOT NULL DEFAULT '' CHECK (platform IN ('', 'zoom', 'whereby')),
    venue          text NOT NULL DEFAULT '' CHECK (length(venue) <= 200),
    weekday        smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO: 1 is Monday
    starts_at      time NOT NULL,
    ends_at        time NOT NULL CHECK (ends_at > starts_at),
    frequency      text NOT NULL DEFAULT 'weekly' CHECK (frequency IN ('weekly', 'biweekly')),
    language       text NOT NULL DEFAULT 'nb' CHECK (language ~ '^[a-z]{2}$'),
    capacity       integer NOT NULL DEFAULT 8 CHECK (capacity BETWEEN 1 AND 60),
    open           boolean NOT NULL DEFAULT true, -- takes new members
    status         text NOT NULL DEFAULT 'gathering'
                   CHECK (status IN ('gathering', 'startup', 'selfrunning', 'paused', 'closed')),
    twelve_step    boolean NOT NULL DEFAULT false,
    org_id         bigint REFERENCES orgs (id), -- NULL: LINK Oslo organises it
    description_nb text NOT NULL DEFAULT '' CHECK (length(description_nb) <= 4000),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 4000),
    published      boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT groups_partner_venue CHECK (format <> 'partner' OR venue <> '')
);
CREATE INDEX groups_public_idx ON groups (weekday, starts_at) WHERE published;
CREATE INDEX groups_public_name_idx ON groups ((name COLLATE "nb-NO-x-icu"), id) WHERE published;
CREATE INDEX groups_org_idx ON groups (org_id) WHERE org_id IS NOT NULL;

CREATE TABLE group_themes (
    group_id bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    theme_id bigint NOT NULL REFERENCES themes (id) ON DELETE RESTRICT,
    PRIMARY KEY (group_id, theme_id)
);
CREATE INDEX group_themes_theme_idx ON group_themes (theme_id, group_id);

-- Every change of a group's status, for follow-up and the survival figures of the report.
CREATE TABLE group_status_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id   bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    status     text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by bigint REFERENCES users (id),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 1000)
);
CREATE INDEX group_status_history_group_idx ON group_status_history (group_id, changed_at DESC);

-- A person who signed up. The least we can ask: a first name or nickname and one way to
-- reach them. Never a birth date; an optional age band helps form groups of similar age.
CREATE TABLE participants (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 60),
    email      citext CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
    phone      text CHECK (phone IS NULL OR phone ~ '^\+?[0-9]{8,15}$'),
    contact    text NOT NULL DEFAULT 'email' CHECK (contact IN ('email', 'sms')),
    age_band   text NOT NULL DEFAULT '' CHECK (age_band IN ('', '18-29', '30-44', '45-59', '60-74', '75+')),
    lang       text NOT NULL DEFAULT 'nb' CHECK (lang IN ('nb', 'en')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participants_reachable CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
-- One person per address: a second sign-up with the same e-mail finds the same participant.
CREATE UNIQUE INDEX participants_email_idx ON participants (email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX participants_phone_idx ON participants (phone) WHERE phone IS NOT NULL AND email IS NULL;

-- A wish to join one group, or interest in a theme (the waiting list that matching works on).
CREATE TABLE signups (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    participant_id    bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    group_id          bigint REFERENCES groups (id) ON DELETE SET NULL,
    theme_id          bigint REFERENCES themes (id) ON DELETE SET NULL,
    formats           text[] NOT NULL DEFAULT '{}',      -- house, digital, hybrid, partner
    availability      text[] NOT NULL DEFAULT '{}',      -- "1-evening": ISO weekday and part of day
    languages         text[] NOT NULL DEFAULT '{nb}',
    source            text NOT NULL DEFAULT '' CHECK (length(source) <= 40),
    note              text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    consent_version   text NOT NULL,
    consented_at      timestamptz NOT NULL DEFAULT now(),
    status            text NOT NULL DEFAULT 'waiting'
                      CHECK (status IN ('waiting', 'offered', 'member', 'withdrawn', 'left')),
    waiting_since     timestamptz NOT NULL DEFAULT now(),
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT signups_group_or_theme CHECK (group_id IS NOT NULL OR theme_id IS NOT NULL)
);
-- No duplicate: one active sign-up per person and group, and per person and theme interest.
CREATE UNIQUE INDEX signups_active_group_idx ON signups (participant_id, group_id)
    WHERE group_id IS NOT NULL AND status IN ('waiting', 'offered', 'member');
CREATE UNIQUE INDEX signups_active_theme_idx ON signups (participant_id, theme_id)
    WHERE group_id IS NULL AND status IN ('waiting', 'offered', 'member');
CREATE INDEX signups_group_status_idx ON signups (group_id, status, waiting_since) WHERE group_id IS NOT NULL;
CREATE INDEX signups_theme_status_idx ON signups (theme_id, status, waiting_since) WHERE theme_id IS NOT NULL;
CREATE INDEX signups_participant_idx ON signups (participant_id);
CREATE INDEX signups_retention_idx ON signups (status_changed_at) WHERE status IN ('withdrawn', 'left');

-- Members of a group. A person joins when staff place them (or they accept an offer) and
-- leaves when they leave; the row stays until retention removes the person.
CREATE TABLE memberships (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id       bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    signup_id      bigint REFERENCES signups (id) ON DELETE SET NULL,
    joined_at      timestamptz NOT NULL DEFAULT now(),
    left_at        timestamptz,
    CONSTRAINT memberships_order CHECK (left_at IS NULL OR left_at >= joined_at)
);
CREATE UNIQUE INDEX memberships_active_idx ON memberships (group_id, participant_id) WHERE left_at IS NULL;
CREATE INDEX memberships_participant_idx ON memberships (participant_id);

-- The private link to "My sign-ups". Only the SHA-256 of the token is stored.
CREATE TABLE participant_links (
    token_hash     bytea PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participant_links_participant_idx ON participant_links (participant_id);

-- Anonymous yearly figures for the annual report, kept when the people behind them are
-- deleted. metric names a count ("signups", "placed", "deleted_by_request" …), key narrows
-- it (a theme slug, a source) or is empty.
CREATE TABLE yearly_counts (
    year   integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    metric text NOT NULL,
    key    text NOT NULL DEFAULT '',
    count  bigint NOT NULL DEFAULT 0 CHECK (count >= 0),
    PRIMARY KEY (year, metric, key)
);

-- +goose Down
DROP TABLE yearly_counts;
DROP TABLE participant_links;
DROP TABLE memberships;
DROP TABLE signups;
DROP TABLE participants;
DROP TABLE group_status_history;
DROP TABLE group_themes;
DROP TABLE groups;
ALTER TABLE themes DROP COLUMN published;
