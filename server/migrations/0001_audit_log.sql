-- Append-only record of every call the window makes to an agency (the
-- gateway writes it; "who used my data" reads it). Rows are never updated or
-- deleted by the application.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT    NOT NULL,            -- RFC 3339, UTC
    request_id    TEXT    NOT NULL,
    agency        TEXT    NOT NULL,
    operation     TEXT    NOT NULL,
    citizen       TEXT,                        -- pseudonym, never a national code
    requested_by  TEXT,                        -- agency on whose behalf the window asked
    outcome       TEXT    NOT NULL,            -- ok | error | timeout | refused
    latency_ms    INTEGER NOT NULL
);
CREATE INDEX audit_log_citizen ON audit_log (citizen, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
