-- +goose Up
-- One Norwegian style (issue 23): the phone hours every page's footer and every mail shows are
-- written like the other times of the site (kl. 10.00–15.00, the weekday in lower case after
-- "Telefontid:"). Only a centre that still has the first default gets the new text; hours an
-- admin wrote are theirs.
ALTER TABLE settings ALTER COLUMN contact_phone_hours SET DEFAULT 'mandag–fredag kl. 10.00–15.00';
UPDATE settings SET contact_phone_hours = 'mandag–fredag kl. 10.00–15.00'
    WHERE contact_phone_hours = 'Mandag–fredag kl. 10–15';

-- +goose Down
UPDATE settings SET contact_phone_hours = 'Mandag–fredag kl. 10–15'
    WHERE contact_phone_hours = 'mandag–fredag kl. 10.00–15.00';
ALTER TABLE settings ALTER COLUMN contact_phone_hours SET DEFAULT 'Mandag–fredag kl. 10–15';
