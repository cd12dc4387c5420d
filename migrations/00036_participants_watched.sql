-- +goose Up
-- The staff dashboard flags a theme "enough for a new group" from the matcher's run over the
-- waiting pool, which reads the participants (their age bands) too: they tell the instances
-- when they change (see 00015), so that the dashboard kept in memory follows them.
-- (00035 is taken by the rooms admin, made at the same time.)
CREATE TRIGGER participants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON participants
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed();

-- +goose Down
DROP TRIGGER participants_changed ON participants;
