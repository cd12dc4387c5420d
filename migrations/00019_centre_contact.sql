-- +goose Up
-- The centre's contact details, set by admins on the settings page and shown in every page's
-- footer, on /kontakt, in the accessibility statement and at the end of every mail. The
-- defaults are LINK Oslo's public visiting address; the phone number and e-mail address are
-- placeholders for the admin to set. The settings table already tells the instances when it
-- changes (00015), so the pages keep the details in memory.
ALTER TABLE settings
    ADD COLUMN contact_name         text NOT NULL DEFAULT 'LINK Oslo – Senter for selvhjelp og mestring'
        CHECK (length(contact_name) BETWEEN 1 AND 200),
    ADD COLUMN contact_phone        text NOT NULL DEFAULT '+4722000000'
        CHECK (contact_phone ~ '^\+[0-9]{8,15}$'),
    ADD COLUMN contact_email        text NOT NULL DEFAULT 'post@linkoslo.example'
        CHECK (length(contact_email) BETWEEN 3 AND 254 AND contact_email LIKE '%_@_%'),
    ADD COLUMN contact_address      text NOT NULL DEFAULT 'Kirkeveien 61, 0364 Oslo'
        CHECK (length(contact_address) BETWEEN 1 AND 200),
    ADD COLUMN contact_floor        text NOT NULL DEFAULT '6. etasje' CHECK (length(contact_floor) <= 100),
    ADD COLUMN contact_how_to_get_in text NOT NULL DEFAULT 'Ring på porttelefonen ved inngangen og ta heisen til 6. etasje.'
        CHECK (length(contact_how_to_get_in) <= 500),
    ADD COLUMN contact_phone_hours  text NOT NULL DEFAULT 'Mandag–fredag kl. 10–15'
        CHECK (length(contact_phone_hours) <= 200);

-- Mail people may answer carries Reply-To: the centre's address when it was queued. NULL: no
-- Reply-To (password resets and invitations, which nobody should answer with their link).
ALTER TABLE outbox ADD COLUMN reply_to text
    CHECK (reply_to IS NULL OR (length(reply_to) BETWEEN 3 AND 254 AND reply_to LIKE '%_@_%'));

-- +goose Down
ALTER TABLE outbox DROP COLUMN reply_to;
ALTER TABLE settings
    DROP COLUMN contact_name, DROP COLUMN contact_phone, DROP COLUMN contact_email,
    DROP COLUMN contact_address, DROP COLUMN contact_floor, DROP COLUMN contact_how_to_get_in,
    DROP COLUMN contact_phone_hours;
