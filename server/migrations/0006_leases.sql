-- Delivery leases: the instance that claimed a request for delivery, and
-- until when (another instance takes it over after that).
ALTER TABLE request ADD COLUMN lease_owner TEXT;
ALTER TABLE request ADD COLUMN lease_until INTEGER;
