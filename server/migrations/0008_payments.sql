-- Payments through the window: one record per attempt (amount in integer
-- rials), every state change stored before it is acted on, refunds as
-- records of their own.
CREATE TABLE payment (
    id              TEXT    PRIMARY KEY,         -- also the provider's order id
    citizen         TEXT    NOT NULL,            -- pseudonym
    idempotency_key TEXT    NOT NULL,
    kind            TEXT    NOT NULL,            -- fee | bill | fine
    request_id      TEXT    REFERENCES request (id),
    payee           TEXT    NOT NULL,            -- agency id, or bill:<kind>
    title           TEXT    NOT NULL,            -- JSON {fa, en}: what it pays for
    bill_id         TEXT,
    payment_id      TEXT,
    amount          INTEGER NOT NULL,            -- rials asked
    state           TEXT    NOT NULL,
    token           TEXT    UNIQUE,              -- the provider's
    payment_url     TEXT,
    reference       TEXT,                        -- the provider's RRN, once verified
    card            TEXT,                        -- masked
    charged         INTEGER,                     -- rials the provider says it took
    reason          TEXT,                        -- why failed, reversed
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    paid_at         INTEGER,
    settled_at      INTEGER,
    next_check_at   INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     INTEGER,
    UNIQUE (citizen, idempotency_key)
);
CREATE INDEX payment_due ON payment (state, next_check_at);
CREATE INDEX payment_request ON payment (request_id);
CREATE INDEX payment_citizen ON payment (citizen, created_at);
-- Paid once: a request's fee, or a bill, has at most one successful
-- payment, whatever races (two tabs returning at once on two instances);
-- a second one is reversed.
CREATE UNIQUE INDEX payment_paid_once ON payment (COALESCE(request_id, bill_id || ':' || payment_id)) WHERE state = 'success';

CREATE TABLE payment_event (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id  TEXT    NOT NULL REFERENCES payment (id),
    state       TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    detail      TEXT
);
CREATE INDEX payment_event_payment ON payment_event (payment_id);

CREATE TABLE refund (
    id              TEXT    PRIMARY KEY,         -- also the provider's refund id
    payment_id      TEXT    NOT NULL UNIQUE REFERENCES payment (id),
    amount          INTEGER NOT NULL,
    state           TEXT    NOT NULL,            -- requested | refunded
    reason          TEXT    NOT NULL,            -- JSON {fa, en}
    reference       TEXT,
    created_at      INTEGER NOT NULL,
    refunded_at     INTEGER,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refund_due ON refund (state, next_attempt_at);
