-- An admin can revoke a licence, with a reason: the request stays licensed (its history and accounting stand), the
-- licence says revoked from that moment on the requester's page, the document and the public check.
ALTER TABLE requests ADD COLUMN licence_revoked_at     TEXT;
ALTER TABLE requests ADD COLUMN licence_revoke_reason TEXT;
