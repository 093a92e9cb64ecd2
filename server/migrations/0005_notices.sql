-- Notices from agencies (a message about a request, not a status change).
ALTER TABLE notification ADD COLUMN notice TEXT;   -- JSON {"fa", "en"}
