-- The requester's side of the deal: accepting a quote (who signed, for how much, under which conditions),
-- who closed a request, licences granted at once from the rate card, and messages between requester and desk.
ALTER TABLE requests ADD COLUMN accepted_at                 TEXT;
ALTER TABLE requests ADD COLUMN accepted_name               TEXT;   -- the signer's name: personal data
ALTER TABLE requests ADD COLUMN accepted_conditions_version TEXT;
ALTER TABLE requests ADD COLUMN accepted_amount_minor       INTEGER;
ALTER TABLE requests ADD COLUMN closed_by                   TEXT CHECK (closed_by IS NULL OR closed_by IN ('desk','requester'));
ALTER TABLE requests ADD COLUMN licensed_automatically      INTEGER NOT NULL DEFAULT 0 CHECK (licensed_automatically IN (0,1));
-- When the oldest requester message the desk has not answered was written; NULL when none is waiting.
ALTER TABLE requests ADD COLUMN unanswered_since            TEXT;

CREATE TABLE request_messages (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  author     TEXT    NOT NULL CHECK (author IN ('requester','desk')),
  user_id    INTEGER REFERENCES users (id),
  body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX request_messages_request ON request_messages (request_id, id);
CREATE INDEX requests_unanswered ON requests (unanswered_since) WHERE unanswered_since IS NOT NULL;

INSERT OR IGNORE INTO request_status_counts (status, n) VALUES ('accepted', 0);
