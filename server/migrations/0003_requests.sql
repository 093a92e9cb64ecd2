-- Using services: drafts saved as the citizen goes, requests stored durably
-- before anything is sent, their status timeline, and the inbox.
CREATE TABLE draft (
    id          TEXT    PRIMARY KEY,
    citizen     TEXT    NOT NULL,            -- pseudonym
    service     TEXT    NOT NULL,
    data        TEXT    NOT NULL,            -- JSON object: field → value as typed
    step        INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    request_id  TEXT                         -- set once submitted
);
CREATE INDEX draft_citizen ON draft (citizen, updated_at);

CREATE TABLE request (
    id               TEXT    PRIMARY KEY,    -- also the idempotency key sent to the agency
    tracking_code    TEXT    NOT NULL UNIQUE,
    draft_id         TEXT    UNIQUE,         -- one request per draft, whatever the double submits
    citizen          TEXT    NOT NULL,       -- pseudonym
    national_code    TEXT    NOT NULL,       -- the agency needs it; never logged
    service          TEXT    NOT NULL,
    agency           TEXT    NOT NULL,
    data             TEXT    NOT NULL,       -- JSON: normalised values
    inquiries        TEXT,                   -- JSON: the window's inter-agency inquiries, once made
    status           TEXT    NOT NULL,
    agency_reference TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    polled_at        INTEGER NOT NULL DEFAULT 0,
    decided_at       INTEGER
);
CREATE INDEX request_citizen ON request (citizen, created_at);
CREATE INDEX request_due ON request (status, next_attempt_at);
CREATE UNIQUE INDEX request_agency_reference ON request (agency, agency_reference);

CREATE TABLE request_event (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id  TEXT    NOT NULL REFERENCES request (id),
    status      TEXT    NOT NULL,
    source      TEXT    NOT NULL,            -- window | callback | poll
    at          INTEGER NOT NULL,
    UNIQUE (request_id, status)
);

CREATE TABLE notification (
    id          TEXT    PRIMARY KEY,
    citizen     TEXT    NOT NULL,            -- pseudonym
    request_id  TEXT    NOT NULL REFERENCES request (id),
    status      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX notification_citizen ON notification (citizen, created_at);
