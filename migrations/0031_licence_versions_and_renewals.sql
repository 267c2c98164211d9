-- A corrected licence is a new version of the same number: the request holds the version in force, and each
-- version it replaced stays here with its own code, so a printed copy of it still verifies, as "superseded".
ALTER TABLE requests ADD COLUMN licence_version   INTEGER;
ALTER TABLE requests ADD COLUMN licence_issued_at TEXT;
UPDATE requests SET licence_version = 1, licence_issued_at = licensed_at WHERE licence_number IS NOT NULL;

CREATE TABLE licence_versions (
  request_id         INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  version            INTEGER NOT NULL CHECK (version >= 1),
  licence_code       TEXT    NOT NULL,
  licence_start      TEXT    NOT NULL,
  licence_end        TEXT    NOT NULL,
  credit_line        TEXT,
  link_back          TEXT,
  issued_at          TEXT    NOT NULL,
  superseded_at      TEXT    NOT NULL,
  reason             TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  PRIMARY KEY (request_id, version)
) STRICT;

-- Renewal: the reminder sent once before the end (the column is the "once", across restarts), and the request
-- that renews a licence pointing at the licensed one.
ALTER TABLE requests ADD COLUMN renewal_reminded_at TEXT;
ALTER TABLE requests ADD COLUMN renews_request_id   INTEGER REFERENCES requests (id);
CREATE INDEX requests_renews ON requests (renews_request_id) WHERE renews_request_id IS NOT NULL;
CREATE INDEX requests_renewal_due ON requests (licence_end)
  WHERE status = 'licensed' AND renewal_reminded_at IS NULL AND licence_revoked_at IS NULL;

-- The desk's licences view (/staff/licences) at a million requests: licences by end date (current, ending, ended)
-- and by revocation, each page read from the index alone until its 50 rows are found.
CREATE INDEX requests_licences_by_end ON requests (licence_end, licence_revoked_at)
  WHERE status = 'licensed' AND licence_number IS NOT NULL;
CREATE INDEX requests_licences_revoked ON requests (licence_revoked_at) WHERE licence_revoked_at IS NOT NULL;
