-- Failed sign-ins, counted per account and per IP over a sliding window
-- (src/auth/login-throttle.ts). Rows older than a day are pruned.
CREATE TABLE login_attempts (
  id    INTEGER PRIMARY KEY,
  at    TEXT    NOT NULL,
  email TEXT    NOT NULL COLLATE NOCASE,
  ip    TEXT    NOT NULL
) STRICT;

CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);
CREATE INDEX login_attempts_at ON login_attempts (at);
