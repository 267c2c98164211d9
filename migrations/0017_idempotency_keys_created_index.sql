-- Expired idempotency keys (older than 24 h) are deleted hourly by the writer;
-- this index makes that a range delete instead of a scan.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
