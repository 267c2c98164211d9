-- Passkeys (WebAuthn credentials) that open the desk on their own, and the identities of an OpenID Connect provider
-- linked to desk accounts. A credential is found by its id; an identity by issuer and subject, never by email again.
CREATE TABLE passkeys (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  credential_id TEXT    NOT NULL UNIQUE,
  public_key    BLOB    NOT NULL,
  counter       INTEGER NOT NULL DEFAULT 0,
  transports    TEXT,
  name          TEXT    NOT NULL,
  created_at    TEXT    NOT NULL,
  last_used_at  TEXT
) STRICT;
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE sso_identities (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issuer     TEXT    NOT NULL,
  subject    TEXT    NOT NULL,
  email      TEXT    NOT NULL,
  linked_at  TEXT    NOT NULL,
  last_used_at TEXT,
  UNIQUE (issuer, subject)
) STRICT;
CREATE INDEX sso_identities_user ON sso_identities (user_id);
