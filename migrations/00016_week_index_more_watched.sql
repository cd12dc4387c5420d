-- +goose Up
-- A room's meetings in a window, cancelled ones included (week grid, day sheet, calendar
-- feeds): the exclusion constraint's index leaves cancelled meetings out, so without this the
-- week grid read every meeting of every room.
CREATE INDEX booking_occurrences_room_during_idx ON booking_occurrences USING gist (room_id, during);

-- More tables tell the instances when they change (see 00015): those the annual report and
-- the dashboard's waiting list read, so that they too can be kept in memory.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['signups', 'yearly_counts', 'placement_waits', 'group_status_history',
                             'group_volunteers', 'volunteers', 'checkins', 'closures', 'opening_hours',
                             'licences', 'licence_loans', 'licence_requests', 'events', 'event_signups'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed()', t || '_changed', t);
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['signups', 'yearly_counts', 'placement_waits', 'group_status_history',
                             'group_volunteers', 'volunteers', 'checkins', 'closures', 'opening_hours',
                             'licences', 'licence_loans', 'licence_requests', 'events', 'event_signups'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_changed', t);
    END LOOP;
END;
$$;
-- +goose StatementEnd
DROP INDEX booking_occurrences_room_during_idx;
