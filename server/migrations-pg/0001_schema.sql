-- The PostgreSQL schema: the same tables as the SQLite migrations
-- (server/migrations), in PostgreSQL's types. Integers are BIGINT (read as
-- i64), JSON is JSONB, files are BYTEA; `seq` columns give the insertion
-- order SQLite's rowid gives.

-- Append-only record of every call the window makes to an agency.
CREATE TABLE audit_log (
    id            BIGSERIAL PRIMARY KEY,
    at            TEXT      NOT NULL,            -- RFC 3339, UTC
    request_id    TEXT      NOT NULL,
    agency        TEXT      NOT NULL,
    operation     TEXT      NOT NULL,
    citizen       TEXT,                          -- pseudonym, never a national code
    requested_by  TEXT,
    outcome       TEXT      NOT NULL,
    latency_ms    BIGINT    NOT NULL
);
CREATE INDEX audit_log_citizen ON audit_log (citizen, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Sign-in.
CREATE TABLE otp_challenge (
    seq         BIGSERIAL,
    id          TEXT      PRIMARY KEY,
    citizen     TEXT      NOT NULL,
    code_hash   TEXT      NOT NULL,
    created_at  BIGINT    NOT NULL,
    expires_at  BIGINT    NOT NULL,
    attempts    BIGINT    NOT NULL DEFAULT 0,
    locked_at   BIGINT,
    used_at     BIGINT,
    replaced    BIGINT    NOT NULL DEFAULT 0
);
CREATE INDEX otp_challenge_citizen ON otp_challenge (citizen, created_at);

CREATE TABLE citizen_session (
    handle      TEXT      PRIMARY KEY,
    session_id  TEXT      NOT NULL,
    citizen     TEXT      NOT NULL,
    device      TEXT      NOT NULL,
    started_at  BIGINT    NOT NULL,
    last_seen   BIGINT    NOT NULL,
    ended_at    BIGINT,
    end_reason  TEXT
);
CREATE INDEX citizen_session_citizen ON citizen_session (citizen, ended_at);

CREATE TABLE citizen (
    pseudonym     TEXT    PRIMARY KEY,
    first_sign_in BIGINT  NOT NULL,
    last_sign_in  BIGINT  NOT NULL,
    sign_ins      BIGINT  NOT NULL DEFAULT 1
);

-- Using services.
CREATE TABLE draft (
    id          TEXT      PRIMARY KEY,
    citizen     TEXT      NOT NULL,
    service     TEXT      NOT NULL,
    data        JSONB     NOT NULL,
    step        BIGINT    NOT NULL DEFAULT 1,
    created_at  BIGINT    NOT NULL,
    updated_at  BIGINT    NOT NULL,
    request_id  TEXT
);
CREATE INDEX draft_citizen ON draft (citizen, updated_at);

CREATE TABLE request (
    seq              BIGSERIAL,
    id               TEXT     PRIMARY KEY,
    tracking_code    TEXT     NOT NULL UNIQUE,
    draft_id         TEXT     UNIQUE,
    citizen          TEXT     NOT NULL,
    national_code    TEXT     NOT NULL,
    service          TEXT     NOT NULL,
    agency           TEXT     NOT NULL,
    data             JSONB    NOT NULL,
    inquiries        JSONB,
    status           TEXT     NOT NULL,
    agency_reference TEXT,
    attempts         BIGINT   NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT   NOT NULL,
    last_error       TEXT,
    created_at       BIGINT   NOT NULL,
    updated_at       BIGINT   NOT NULL,
    polled_at        BIGINT   NOT NULL DEFAULT 0,
    decided_at       BIGINT,
    lease_owner      TEXT,
    lease_until      BIGINT
);
CREATE INDEX request_citizen ON request (citizen, created_at);
CREATE INDEX request_due ON request (status, next_attempt_at);
CREATE UNIQUE INDEX request_agency_reference ON request (agency, agency_reference);

CREATE TABLE request_event (
    id          BIGSERIAL PRIMARY KEY,
    request_id  TEXT      NOT NULL REFERENCES request (id),
    status      TEXT      NOT NULL,
    source      TEXT      NOT NULL,
    at          BIGINT    NOT NULL,
    UNIQUE (request_id, status)
);

CREATE TABLE notification (
    seq         BIGSERIAL,
    id          TEXT      PRIMARY KEY,
    citizen     TEXT      NOT NULL,
    request_id  TEXT      NOT NULL REFERENCES request (id),
    status      TEXT      NOT NULL,
    created_at  BIGINT    NOT NULL,
    read_at     BIGINT,
    notice      JSONB
);
CREATE INDEX notification_citizen ON notification (citizen, created_at);
CREATE INDEX notification_request ON notification (request_id);

CREATE TABLE draft_file (
    id          TEXT      PRIMARY KEY,
    draft_id    TEXT      NOT NULL REFERENCES draft (id) ON DELETE CASCADE,
    field       TEXT      NOT NULL,
    name        TEXT      NOT NULL,
    mime        TEXT      NOT NULL,
    size        BIGINT    NOT NULL,
    content     BYTEA     NOT NULL,
    created_at  BIGINT    NOT NULL
);
CREATE INDEX draft_file_draft ON draft_file (draft_id);
