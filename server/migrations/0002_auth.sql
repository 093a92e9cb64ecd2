-- Sign-in: one-time-code challenges, the index of citizens' sessions (the
-- sessions themselves live in tower_sessions), and who has ever signed in.
-- Citizens appear only as pseudonyms (HMAC of the national code).
CREATE TABLE otp_challenge (
    id          TEXT    PRIMARY KEY,   -- random, never shown
    citizen     TEXT    NOT NULL,      -- pseudonym
    code_hash   TEXT    NOT NULL,      -- HMAC-SHA256(key, id:code), never the code
    created_at  INTEGER NOT NULL,      -- Unix seconds
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    locked_at   INTEGER,               -- set when the last allowed wrong attempt is made
    used_at     INTEGER,               -- set once, when the right code signs in
    replaced    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX otp_challenge_citizen ON otp_challenge (citizen, created_at);

CREATE TABLE citizen_session (
    handle      TEXT    PRIMARY KEY,   -- shown to the citizen; not the session id
    session_id  TEXT    NOT NULL,
    citizen     TEXT    NOT NULL,      -- pseudonym
    device      TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    ended_at    INTEGER,
    end_reason  TEXT                   -- sign_out | signed_out_elsewhere | idle | absolute
);
CREATE INDEX citizen_session_citizen ON citizen_session (citizen, ended_at);

CREATE TABLE citizen (
    pseudonym     TEXT    PRIMARY KEY,
    first_sign_in INTEGER NOT NULL,
    last_sign_in  INTEGER NOT NULL,
    sign_ins      INTEGER NOT NULL DEFAULT 1
);
