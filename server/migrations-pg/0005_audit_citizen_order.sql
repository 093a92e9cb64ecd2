-- "Who used my data" reads a citizen's newest rows (ORDER BY id DESC LIMIT
-- n): keyed by (citizen, id), the index gives them in that order and
-- nothing is sorted (keyed by (citizen, at) every row of the citizen was).
DROP INDEX audit_log_citizen;
CREATE INDEX audit_log_citizen ON audit_log (citizen, id) WHERE citizen IS NOT NULL;
