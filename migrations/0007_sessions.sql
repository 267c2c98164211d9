-- express-session's store (src/db/session-store.ts). user_id lets logout,
-- disabling an account or a password reset end every session of that person.
CREATE TABLE sessions (
  sid        TEXT    PRIMARY KEY,
  data       TEXT    NOT NULL,
  user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL           -- epoch milliseconds
) STRICT;

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);
