-- The outbox's messages per state, kept by triggers, as request_status_counts keeps
-- the requests' (0012). GET /metrics (twice a scrape) and the desk's mail page counted
-- them with a GROUP BY over the whole outbox: two rows a request, so at a million
-- requests 2,000,000 index entries read in ~300 ms on the event loop, on every scrape.
-- Now a read of five rows. Every write path keeps it right: the submissions' inserts,
-- the worker's claims and outcomes, a resend from the desk, a request's deletion.
CREATE TABLE outbox_status_counts (
  status TEXT    PRIMARY KEY,
  n      INTEGER NOT NULL
) STRICT;

INSERT INTO outbox_status_counts (status, n)
  SELECT s.value, (SELECT COUNT(*) FROM outbox WHERE status = s.value)
  FROM json_each('["queued","sending","sent","failed","cancelled"]') s;

CREATE TRIGGER outbox_status_counts_insert AFTER INSERT ON outbox BEGIN
  UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER outbox_status_counts_update AFTER UPDATE OF status ON outbox WHEN OLD.status <> NEW.status BEGIN
  UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
  UPDATE outbox_status_counts SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER outbox_status_counts_delete AFTER DELETE ON outbox BEGIN
  UPDATE outbox_status_counts SET n = n - 1 WHERE status = OLD.status;
END;
