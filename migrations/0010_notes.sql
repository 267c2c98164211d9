-- Staff notes on a request: internal, never sent to the requester, append-only
-- like the audit log (a correction is a new note).
CREATE TABLE request_notes (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
  author     TEXT    NOT NULL,
  body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at TEXT    NOT NULL
) STRICT;

CREATE INDEX request_notes_request ON request_notes (request_id, id);
