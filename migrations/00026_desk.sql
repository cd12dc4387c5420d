-- +goose Up
-- The staff desk (issue 19): find anyone, and the person's page as the place where staff help
-- a caller.

-- Search by name and e-mail, partial and blind to case and accents ("asa" finds "Åsa",
-- "jose" finds "José"): a folded copy of the searchable text, indexed by trigrams so that
-- LIKE '%…%' reads the index. unaccent() is only STABLE (its dictionary could change); the
-- wrapper names the dictionary and is declared IMMUTABLE so that a generated column and an
-- index may use it. Changing the unaccent rules would need the column rewritten.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE FUNCTION desk_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- staff_note: what staff keep from a call (at most 500 characters, no health details); it
-- goes with the person when the retention job or a deletion removes them.
-- search_text / phone_digits: what the staff search matches, kept by the database.
ALTER TABLE participants
    ADD COLUMN staff_note    text NOT NULL DEFAULT '' CHECK (length(staff_note) <= 500),
    ADD COLUMN staff_note_at timestamptz,
    ADD COLUMN staff_note_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN search_text   text GENERATED ALWAYS AS (desk_fold(first_name || ' ' || coalesce(email::text, ''))) STORED,
    ADD COLUMN phone_digits  text GENERATED ALWAYS AS (regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) STORED;
CREATE INDEX participants_search_idx ON participants USING gin (search_text gin_trgm_ops);
CREATE INDEX participants_phone_digits_idx ON participants USING gin (phone_digits gin_trgm_ops);
-- An SMS is linked to its person by the number (below); participants_phone_idx only covers
-- people without an address.
CREATE INDEX participants_phone_all_idx ON participants (phone) WHERE phone IS NOT NULL;

-- Which person a message went to. Every message to a participant, whoever queues it (sign-up,
-- private link, offer, joined, staff message, notice, event, and what later features add),
-- passes through one INSERT into the outbox; a trigger links it there, by the address or
-- number it goes to, so no caller can forget it and a later change of address keeps the old
-- messages on the person's page. A number two people share links to neither. Mail to staff
-- accounts (invitations, password resets) is never linked. ON DELETE CASCADE: a deleted
-- person leaves no message behind, even one sent to an address they no longer have.
ALTER TABLE outbox ADD COLUMN participant_id bigint REFERENCES participants (id) ON DELETE CASCADE;
CREATE INDEX outbox_participant_idx ON outbox (participant_id, created_at DESC) WHERE participant_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION outbox_link_participant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.participant_id IS NULL AND NEW.kind NOT IN ('invitation', 'password_reset') THEN
        IF NEW.channel = 'sms' THEN
            SELECT CASE WHEN count(*) = 1 THEN min(id) END INTO NEW.participant_id
            FROM participants WHERE phone = NEW.to_addr;
        ELSE
            SELECT id INTO NEW.participant_id FROM participants WHERE email = NEW.to_addr::citext;
        END IF;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER outbox_link_participant BEFORE INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION outbox_link_participant();

-- The messages queued before.
UPDATE outbox o SET participant_id = p.id FROM participants p
WHERE o.kind NOT IN ('invitation', 'password_reset') AND o.channel = 'email' AND p.email = o.to_addr::citext;
UPDATE outbox o SET participant_id = (SELECT min(p.id) FROM participants p WHERE p.phone = o.to_addr)
WHERE o.channel = 'sms' AND (SELECT count(*) FROM participants p WHERE p.phone = o.to_addr) = 1;

-- +goose Down
DROP TRIGGER outbox_link_participant ON outbox;
DROP FUNCTION outbox_link_participant();
ALTER TABLE outbox DROP COLUMN participant_id;
DROP INDEX participants_phone_all_idx;
ALTER TABLE participants DROP COLUMN phone_digits, DROP COLUMN search_text, DROP COLUMN staff_note_by,
    DROP COLUMN staff_note_at, DROP COLUMN staff_note;
DROP FUNCTION desk_fold(text);
