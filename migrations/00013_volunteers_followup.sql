-- +goose Up
-- Volunteer starters (igangsettere): people trained to help a new group through its first
-- meetings until it runs itself. Their own experience (themes) matters: staff are warned
-- when a volunteer shares the theme of the group they are given.
CREATE TABLE volunteers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    email        citext CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
    phone        text CHECK (phone IS NULL OR phone ~ '^\+?[0-9]{8,15}$'),
    trained_on   date,
    availability text[] NOT NULL DEFAULT '{}', -- "1-evening": ISO weekday and part of day
    notes        text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- The register lists by name, all or only the active ones. Search (name, e-mail, phone) scans
-- the register, which holds dozens of people.
CREATE INDEX volunteers_name_idx ON volunteers ((name COLLATE "nb-NO-x-icu"), id);
CREATE INDEX volunteers_active_name_idx ON volunteers (active, (name COLLATE "nb-NO-x-icu"), id);

-- The themes of a volunteer's own experience.
CREATE TABLE volunteer_themes (
    volunteer_id bigint NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    theme_id     bigint NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    PRIMARY KEY (volunteer_id, theme_id)
);
CREATE INDEX volunteer_themes_theme_idx ON volunteer_themes (theme_id, volunteer_id);

-- A volunteer given to a group in start-up, until the assignment ends (at handover at the
-- latest). A group has one or two active volunteers: the store checks it under a lock on the
-- group row, and the trigger below guarantees it whatever writes.
CREATE TABLE group_volunteers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id     bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    volunteer_id bigint NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    assigned_at  timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    assigned_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT group_volunteers_order CHECK (ended_at IS NULL OR ended_at >= assigned_at)
);
CREATE UNIQUE INDEX group_volunteers_active_idx ON group_volunteers (group_id, volunteer_id) WHERE ended_at IS NULL;
CREATE INDEX group_volunteers_group_idx ON group_volunteers (group_id, assigned_at DESC);
CREATE INDEX group_volunteers_volunteer_idx ON group_volunteers (volunteer_id, assigned_at DESC);

-- +goose StatementBegin
CREATE FUNCTION group_volunteers_at_most_two() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Serialise the writers of one group, so two at once cannot both see one slot free.
    PERFORM 1 FROM groups WHERE id = NEW.group_id FOR UPDATE;
    IF (SELECT count(*) FROM group_volunteers
        WHERE group_id = NEW.group_id AND ended_at IS NULL AND id <> NEW.id) >= 2 THEN
        RAISE EXCEPTION 'a group has at most two active volunteers'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'group_volunteers_at_most_two';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER group_volunteers_at_most_two BEFORE INSERT OR UPDATE ON group_volunteers
    FOR EACH ROW WHEN (NEW.ended_at IS NULL) EXECUTE FUNCTION group_volunteers_at_most_two();

-- The meetings a volunteer plans to lead before the group runs itself: three to eight.
CREATE TABLE startup_meetings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id   bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    planned_on timestamptz NOT NULL,
    held       boolean NOT NULL DEFAULT false,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX startup_meetings_group_idx ON startup_meetings (group_id, planned_on, id);

-- +goose StatementBegin
CREATE FUNCTION startup_meetings_at_most_eight() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM groups WHERE id = NEW.group_id FOR UPDATE;
    IF (SELECT count(*) FROM startup_meetings WHERE group_id = NEW.group_id AND id <> NEW.id) >= 8 THEN
        RAISE EXCEPTION 'a group plans at most eight start-up meetings'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'startup_meetings_at_most_eight';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER startup_meetings_at_most_eight BEFORE INSERT OR UPDATE OF group_id ON startup_meetings
    FOR EACH ROW EXECUTE FUNCTION startup_meetings_at_most_eight();

-- When the group started (NULL: the day of its first change to 'startup' in the status
-- history) and when it was handed over to run itself.
ALTER TABLE groups ADD COLUMN started_on date, ADD COLUMN handover_on date;
-- The list of groups in start-up without a volunteer.
CREATE INDEX groups_status_idx ON groups (status, id);

-- The follow-up log: contact with a group after it started, newest first.
CREATE TABLE follow_ups (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id      bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    happened_on   date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('contact_meeting', 'phone', 'email', 'visit')),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    next_check_on date,
    created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT follow_ups_next_after CHECK (next_check_on IS NULL OR next_check_on > happened_on)
);
-- The log of a group, and its latest entry (whose next_check_on is the group's next check).
CREATE INDEX follow_ups_group_idx ON follow_ups (group_id, happened_on DESC, id DESC);

-- Check-ins 3, 6 and 12 months after a group started: does it still meet? Created when the
-- group has a start date; the survival figures of the annual report count them.
CREATE TABLE checkins (
    group_id    bigint NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    months      smallint NOT NULL CHECK (months IN (3, 6, 12)),
    due_on      date NOT NULL,
    done_on     date,
    still_meets boolean,
    done_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT checkins_group_months_key UNIQUE (group_id, months),
    CONSTRAINT checkins_done CHECK ((done_on IS NULL) = (still_meets IS NULL))
);
-- Due for follow-up: the check-ins not done, by due date.
CREATE INDEX checkins_due_idx ON checkins (due_on, group_id) WHERE done_on IS NULL;
-- Survival figures of a year: the check-ins done, by due date.
CREATE INDEX checkins_done_idx ON checkins (due_on, months) WHERE done_on IS NOT NULL;

-- +goose Down
DROP TABLE checkins;
DROP TABLE follow_ups;
DROP INDEX groups_status_idx;
ALTER TABLE groups DROP COLUMN handover_on, DROP COLUMN started_on;
DROP TABLE startup_meetings;
DROP FUNCTION startup_meetings_at_most_eight();
DROP TABLE group_volunteers;
DROP FUNCTION group_volunteers_at_most_two();
DROP TABLE volunteer_themes;
DROP TABLE volunteers;
