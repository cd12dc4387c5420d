-- +goose Up
-- The centre's information and outreach work, and its contact meetings, as staff log them for
-- the annual report: when, what kind, for whom, how many it reached, and who went. No
-- participant's data: an audience is a description ("students at OsloMet"), not people.
CREATE TABLE outreach (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    held_on    date NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('talk', 'stand', 'conference', 'network', 'contact_meeting', 'other')),
    audience   text NOT NULL CHECK (length(audience) BETWEEN 1 AND 200),
    reach      integer NOT NULL CHECK (reach BETWEEN 0 AND 100000),
    staff      text NOT NULL DEFAULT '' CHECK (length(staff) <= 200),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outreach_held_idx ON outreach (held_on DESC, id DESC);

-- The introduction staff write to each year's report.
CREATE TABLE report_intros (
    year       integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    body       text NOT NULL CHECK (length(body) <= 4000),
    updated_by bigint REFERENCES users (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The report is kept in memory until a table it reads changes (internal/cache): these two tell.
CREATE TRIGGER outreach_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON outreach
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed();
CREATE TRIGGER report_intros_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON report_intros
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed();

-- +goose Down
DROP TABLE report_intros;
DROP TABLE outreach;
