-- What the desk decides about a request, beside what the requester sent. The
-- computed quote (quote_json, quote_total_minor) is never overwritten: a final fee
-- set by staff lives in final_fee_minor with its reason.
ALTER TABLE requests ADD COLUMN final_fee_minor   INTEGER CHECK (final_fee_minor IS NULL OR final_fee_minor >= 0);
ALTER TABLE requests ADD COLUMN fee_reason        TEXT;
ALTER TABLE requests ADD COLUMN quote_sent_at     TEXT;
ALTER TABLE requests ADD COLUMN quote_valid_until TEXT;      -- YYYY-MM-DD
ALTER TABLE requests ADD COLUMN licence_number    TEXT;      -- LIC-<year>-<n>, see src/services/desk-license.ts
ALTER TABLE requests ADD COLUMN licence_start     TEXT;      -- YYYY-MM-DD
ALTER TABLE requests ADD COLUMN licence_end       TEXT;      -- YYYY-MM-DD
ALTER TABLE requests ADD COLUMN credit_line       TEXT;
ALTER TABLE requests ADD COLUMN link_back         TEXT;
ALTER TABLE requests ADD COLUMN licensed_at       TEXT;
ALTER TABLE requests ADD COLUMN declined_at       TEXT;
ALTER TABLE requests ADD COLUMN decline_reason    TEXT;
ALTER TABLE requests ADD COLUMN closed_at         TEXT;      -- licensed, declined, withdrawn or spam
-- The last thing staff did to it; NULL means nobody has acted yet (the overdue check).
ALTER TABLE requests ADD COLUMN last_action_at    TEXT;
