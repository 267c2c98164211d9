-- Email outbox: rows are written in the same transaction as the change that
-- causes them and delivered afterwards by the worker (src/mail/outbox-worker.ts).
-- A message is rendered from (template, params) when it is sent.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  request_id      INTEGER REFERENCES requests (id) ON DELETE CASCADE,
  template        TEXT    NOT NULL,
  locale          TEXT    NOT NULL,
  recipient       TEXT    NOT NULL,
  params_json     TEXT    NOT NULL DEFAULT '{}',
  message_id      TEXT    NOT NULL UNIQUE,
  status          TEXT    NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued','sending','sent','failed','cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT    NOT NULL,
  claimed_at      TEXT,
  last_error      TEXT,
  created_at      TEXT    NOT NULL,
  sent_at         TEXT
) STRICT;

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_request ON outbox (request_id);
