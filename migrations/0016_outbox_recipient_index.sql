-- Counting recent acknowledgements per address (the cap on mail to unverified
-- addresses) reads this index instead of the whole outbox.
CREATE INDEX outbox_recipient ON outbox (recipient, template, created_at);
