-- Smart services: life events received from registries (each once), the
-- pull feed's cursor per agency, offers and automatic deliveries made from
-- them, and the citizens' opt-outs.
CREATE TABLE life_event (
    id            TEXT    PRIMARY KEY,           -- <agency>:<event id>
    agency        TEXT    NOT NULL,
    event_id      INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    national_code TEXT    NOT NULL,              -- the person; never logged
    data          TEXT    NOT NULL,              -- JSON object, as recorded
    occurred_at   INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    via           TEXT    NOT NULL,              -- push | pull
    processed_at  INTEGER,
    outcome       TEXT,                          -- what processing did
    lease_owner   TEXT,
    lease_until   INTEGER,
    UNIQUE (agency, event_id)
);
CREATE INDEX life_event_pending ON life_event (processed_at, received_at);

CREATE TABLE event_cursor (
    agency      TEXT    PRIMARY KEY,
    last_id     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE offer (
    id            TEXT    PRIMARY KEY,
    citizen       TEXT    NOT NULL,              -- pseudonym
    national_code TEXT    NOT NULL,
    rule          TEXT    NOT NULL,
    event         TEXT    NOT NULL REFERENCES life_event (id),
    mode          TEXT    NOT NULL,              -- consent | automatic
    status        TEXT    NOT NULL,              -- open | accepted | declined | expired | delivered
    prefill       TEXT    NOT NULL,              -- JSON: service → field → value
    reads         TEXT    NOT NULL,              -- JSON: what the window read
    tracking_code TEXT    UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    decided_at    INTEGER,
    seen_at       INTEGER,
    UNIQUE (event, rule)
);
CREATE INDEX offer_citizen ON offer (citizen, created_at);

CREATE TABLE proactive_optout (
    citizen     TEXT    NOT NULL,
    service     TEXT    NOT NULL,                -- '*': every proactive offer
    at          INTEGER NOT NULL,
    PRIMARY KEY (citizen, service)
);

ALTER TABLE request ADD COLUMN offer_id TEXT;
CREATE INDEX request_offer ON request (offer_id);

-- The mobile a citizen verified at their last sign-in: where the window
-- texts them about an offer made without their asking.
CREATE TABLE citizen_contact (
    citizen     TEXT    PRIMARY KEY,
    mobile      TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL
);
