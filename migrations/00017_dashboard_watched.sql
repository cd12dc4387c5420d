-- +goose Up
-- The rest of the tables the staff dashboard reads tell the instances when they change (see
-- 00015), so that the dashboard can be kept in memory between changes.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['key_loans', 'booking_requests', 'offers', 'follow_ups', 'outbox'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed()', t || '_changed', t);
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER key_loans_changed ON key_loans;
DROP TRIGGER booking_requests_changed ON booking_requests;
DROP TRIGGER offers_changed ON offers;
DROP TRIGGER follow_ups_changed ON follow_ups;
DROP TRIGGER outbox_changed ON outbox;
