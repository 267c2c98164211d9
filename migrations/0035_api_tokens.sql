-- Read-only API tokens for accounting and BI, kept as SHA-256 fingerprints (the token is shown once), and the order
-- the read API pages requests in: last changed first to last, the id breaking ties, so a cursor is stable.
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL,
  token_hash   TEXT    NOT NULL UNIQUE,
  created_by   TEXT    NOT NULL,
  created_at   TEXT    NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
) STRICT;

CREATE INDEX requests_updated ON requests (updated_at, id);
