-- Append-only audit trail: every state change by staff, admins and the command
-- line, written in the same transaction as the change it records.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           TEXT    NOT NULL,
  actor_id     INTEGER,               -- users.id when a signed-in person acted
  actor        TEXT    NOT NULL,      -- their email, or 'cli' / 'system'
  action       TEXT    NOT NULL,      -- e.g. request.status, request.fee, note.add, mail.retry, user.add, export, erase
  subject_type TEXT    NOT NULL,      -- request, user, outbox, export, person …
  subject_id   TEXT,
  before_json  TEXT,
  after_json   TEXT
) STRICT;

CREATE INDEX audit_subject ON audit_log (subject_type, subject_id, id);
CREATE INDEX audit_at ON audit_log (at);

-- Append-only: the database itself refuses to change or delete a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
