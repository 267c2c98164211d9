-- Desk accounts. There is no default account: the first admin is made with
-- `reprise user add --role admin`. Emails are compared case-insensitively.
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  email               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  role                TEXT    NOT NULL CHECK (role IN ('staff','admin')),
  password_hash       TEXT    NOT NULL,
  disabled_at         TEXT,
  password_changed_at TEXT    NOT NULL,
  last_login_at       TEXT,
  created_at          TEXT    NOT NULL,
  updated_at          TEXT    NOT NULL
) STRICT;
