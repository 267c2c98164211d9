-- When a request's personal data was replaced by the erasure marker (retention
-- or an erasure request). NULL while the data is still held. Retention skips
-- rows already anonymised, so a daily run touches only what is new.
ALTER TABLE requests ADD COLUMN anonymised_at TEXT;
