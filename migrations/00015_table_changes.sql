-- +goose Up
-- Every instance keeps rarely changing query results in memory (internal/cache) and drops them
-- when a table they come from changes. A statement trigger tells all instances at commit with
-- NOTIFY table_changed '<table>'; PostgreSQL folds repeats within one transaction into one.
-- +goose StatementBegin
CREATE FUNCTION notify_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('table_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['groups', 'group_themes', 'themes', 'memberships', 'orgs', 'rooms',
                             'bookings', 'booking_occurrences', 'calendar_feeds', 'settings'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed()', t || '_changed', t);
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- CASCADE drops the triggers with their function.
DROP FUNCTION notify_table_changed() CASCADE;
