-- "Who used my data" reads a citizen's newest rows (ORDER BY id DESC LIMIT
-- n). Keyed by (citizen, at), the index gave them in `at` order and SQLite
-- sorted all of a citizen's rows for every page. Keyed by citizen alone, an
-- entry ends with the rowid (`id`): the rows come in id order, the newest
-- n are read and nothing is sorted, and each entry is the 20-odd bytes of
-- `at` shorter to write.
DROP INDEX audit_log_citizen;
CREATE INDEX audit_log_citizen ON audit_log (citizen) WHERE citizen IS NOT NULL;
