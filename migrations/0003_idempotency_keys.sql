-- A repeated Idempotency-Key (API) or form token (HTML) within 24 h answers with
-- the first request instead of making a second one.
CREATE TABLE idempotency_keys (
  key          TEXT    PRIMARY KEY,
  request_id   INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  body_hash    TEXT    NOT NULL,
  created_at   TEXT    NOT NULL
) STRICT;
