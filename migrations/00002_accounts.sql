-- +goose Up
-- Partner organisations. The partner issue adds contact details and agreements; accounts
-- only need to know which organisation a partner user acts for.
CREATE TABLE orgs (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 160),
    kind       text NOT NULL CHECK (kind IN ('voluntary', 'nonprofit', 'public')),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Staff, admins and partner users. Participants never have an account.
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role            text NOT NULL CHECK (role IN ('admin', 'staff', 'partner')),
    org_id          bigint REFERENCES orgs (id),
    -- NULL until an invited user has chosen a password.
    password_hash   text,
    disabled        boolean NOT NULL DEFAULT false,
    -- Bumped when the user is disabled or the password changes: every session that carries an
    -- older value ends at its next request.
    session_epoch   integer NOT NULL DEFAULT 1,
    -- TOTP secret sealed with AES-GCM under a key derived from SECRET_KEY; enabled once the
    -- user has confirmed a code. totp_last_step stops a code from being used twice.
    totp_secret     bytea,
    totp_enabled_at timestamptz,
    totp_last_step  bigint NOT NULL DEFAULT 0,
    last_login_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_partner_has_org CHECK ((role = 'partner') = (org_id IS NOT NULL))
);
CREATE INDEX users_org_idx ON users (org_id) WHERE org_id IS NOT NULL;
CREATE INDEX users_name_idx ON users (name);

-- One-time recovery codes for two-factor login, stored as SHA-256 hashes.
CREATE TABLE recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Invitation and password-reset links. Only the SHA-256 of the random token is stored.
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);

-- Failed logins, counted per client IP and per account over a sliding window. Kept in the
-- database so that every app instance sees the same count.
CREATE TABLE login_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_at_idx ON login_failures (key, at);

-- Settings an admin can change. One row.
CREATE TABLE settings (
    id                 boolean PRIMARY KEY DEFAULT true CHECK (id),
    require_two_factor boolean NOT NULL DEFAULT false
);
INSERT INTO settings DEFAULT VALUES;

-- Who saw or changed what. Written in the same transaction as the change it describes;
-- append-only: the database refuses to change or remove a row.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_label text NOT NULL DEFAULT '',
    action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 80),
    entity      text NOT NULL DEFAULT '',
    entity_id   text NOT NULL DEFAULT '',
    client_ip   inet,
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_is_append_only();
DROP TABLE settings;
DROP TABLE login_failures;
DROP TABLE user_tokens;
DROP TABLE recovery_codes;
DROP TABLE users;
DROP TABLE orgs;
