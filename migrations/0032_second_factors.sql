-- A second factor for desk accounts: a time-based one-time code (RFC 6238, an authenticator app) and ten single-use
-- recovery codes. The last accepted time step makes each code good once; recovery codes are kept hashed.
ALTER TABLE users ADD COLUMN totp_secret      TEXT;
ALTER TABLE users ADD COLUMN totp_enrolled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step   INTEGER;

CREATE TABLE recovery_codes (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash  TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  used_at    TEXT
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_hash);
