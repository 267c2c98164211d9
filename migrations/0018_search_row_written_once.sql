-- A new request's search row is written once, with its articles, by the code that
-- inserts the request (src/db/repos/requests.ts), instead of by triggers: the insert
-- trigger wrote it without articles and each article's trigger then rewrote it, and
-- an FTS5 rewrite in the same transaction flushes a new index segment each time. For
-- a three-article request that was four FTS writes, 30-40 % of a submission's cost.
-- Updates keep their triggers (erasure, retention and desk edits are rare and single).
DROP TRIGGER request_articles_search_insert;
DROP TRIGGER requests_lookup_insert;
CREATE TRIGGER requests_lookup_insert AFTER INSERT ON requests BEGIN
  INSERT OR IGNORE INTO request_countries (country, created_at, request_id) VALUES (NEW.org_country, NEW.created_at, NEW.id);
  INSERT OR IGNORE INTO request_countries (country, created_at, request_id)
    SELECT value, NEW.created_at, NEW.id FROM json_each('["' || replace(NEW.countries, ' ', '","') || '"]') WHERE NEW.countries <> '';
  UPDATE request_status_counts SET n = n + 1 WHERE status = NEW.status;
END;
