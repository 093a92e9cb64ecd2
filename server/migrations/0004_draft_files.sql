-- Files attached to a draft's file fields (type and size checked on upload).
CREATE TABLE draft_file (
    id          TEXT    PRIMARY KEY,
    draft_id    TEXT    NOT NULL REFERENCES draft (id) ON DELETE CASCADE,
    field       TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    mime        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    content     BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX draft_file_draft ON draft_file (draft_id);
