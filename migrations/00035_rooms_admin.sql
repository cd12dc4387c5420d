-- +goose Up
-- Staff add, edit and retire rooms. A screen and a camera are two facilities (a room may have
-- a screen for slides and no camera); "hybrid ready" was both at once, so a room that was
-- gets both.
ALTER TABLE rooms
    ADD COLUMN screen     boolean NOT NULL DEFAULT false,
    ADD COLUMN camera     boolean NOT NULL DEFAULT false,
    -- When the room was retired (NULL: in use). A retired room keeps its bookings, meetings
    -- and keys for the history and the reports, but takes no new meetings.
    ADD COLUMN retired_at timestamptz;
UPDATE rooms SET screen = hybrid_ready, camera = hybrid_ready;
ALTER TABLE rooms DROP COLUMN hybrid_ready;

-- No meeting in a retired room: not a new one, and not a cancelled one brought back. The
-- share lock on the room's row makes retiring (an UPDATE of that row) wait for a booking being
-- made, and a booking wait for a retirement, so the check and the retirement cannot cross.
-- +goose StatementBegin
CREATE FUNCTION booking_occurrences_room_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE retired timestamptz;
BEGIN
    SELECT retired_at INTO retired FROM rooms WHERE id = NEW.room_id FOR SHARE;
    IF retired IS NOT NULL THEN
        RAISE EXCEPTION 'room % is retired', NEW.room_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booking_occurrences_room_in_use';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER booking_occurrences_room_in_use BEFORE INSERT OR UPDATE OF cancelled_at, room_id ON booking_occurrences
    FOR EACH ROW WHEN (NEW.cancelled_at IS NULL) EXECUTE FUNCTION booking_occurrences_room_in_use();

-- +goose Down
DROP TRIGGER booking_occurrences_room_in_use ON booking_occurrences;
DROP FUNCTION booking_occurrences_room_in_use();
ALTER TABLE rooms ADD COLUMN hybrid_ready boolean NOT NULL DEFAULT false;
UPDATE rooms SET hybrid_ready = screen AND camera;
ALTER TABLE rooms DROP COLUMN screen, DROP COLUMN camera, DROP COLUMN retired_at;
