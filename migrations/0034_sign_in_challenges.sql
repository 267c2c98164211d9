-- Challenges of sign-ins in progress (a passkey's, single sign-on's state): the session says which one it was given,
-- and deleting the row is what uses it up, so two answers sent at once cannot both pass.
CREATE TABLE sign_in_challenges (
  value      TEXT    PRIMARY KEY,
  purpose    TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
