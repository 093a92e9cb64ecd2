-- "Who used my data" reads a citizen's rows; calls made for no citizen (the
-- public lookups, most of the log) need no entry in that index. A partial
-- index skips them: writing such a row costs one B-tree insert, not two.
DROP INDEX audit_log_citizen;
CREATE INDEX audit_log_citizen ON audit_log (citizen, at) WHERE citizen IS NOT NULL;
