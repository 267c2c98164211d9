-- Lookup tables that keep the desk queue fast at a million requests, maintained
-- by triggers so that every write path (the form, the API, erasure) keeps them right:
--  * request_search: FTS5 over reference, requester, organisation and articles,
--    so a search is an index lookup instead of a LIKE scan of every row;
--  * request_countries: the organisation's country and each territory country, with
--    the request's created_at, so a country filter reads one index range in queue order;
--  * request_status_counts: the counts per status shown above the queue.
CREATE VIRTUAL TABLE request_search USING fts5 (
  reference, requester, organisation, articles,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE TABLE request_countries (
  country    TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  PRIMARY KEY (country, created_at, request_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX request_countries_request ON request_countries (request_id);

CREATE TABLE request_status_counts (
  status TEXT    PRIMARY KEY,
  n      INTEGER NOT NULL
) STRICT;

-- Existing rows first.
INSERT INTO request_search (rowid, reference, requester, organisation, articles)
  SELECT r.id, r.reference, r.requester_name || ' ' || r.requester_email, r.org_name,
         COALESCE((SELECT group_concat(a.title || ' ' || a.url, ' ') FROM request_articles a WHERE a.request_id = r.id), '')
  FROM requests r;
INSERT OR IGNORE INTO request_countries (country, created_at, request_id)
  SELECT r.org_country, r.created_at, r.id FROM requests r;
INSERT OR IGNORE INTO request_countries (country, created_at, request_id)
  SELECT j.value, r.created_at, r.id FROM requests r, json_each('["' || replace(r.countries, ' ', '","') || '"]') j
  WHERE r.countries <> '';
INSERT INTO request_status_counts (status, n)
  SELECT s.value, (SELECT COUNT(*) FROM requests WHERE status = s.value)
  FROM json_each('["new","in_review","quoted","licensed","declined","withdrawn","spam"]') s;

CREATE TRIGGER requests_lookup_insert AFTER INSERT ON requests BEGIN
  INSERT INTO request_search (rowid, reference, requester, organisation, articles)
    VALUES (NEW.id, NEW.reference, NEW.requester_name || ' ' || NEW.requester_email, NEW.org_name, '');
  INSERT OR IGNORE INTO request_countries (country, created_at, request_id) VALUES (NEW.org_country, NEW.created_at, NEW.id);
  INSERT OR IGNORE INTO request_countries (country, created_at, request_id)
    SELECT value, NEW.created_at, NEW.id FROM json_each('["' || replace(NEW.countries, ' ', '","') || '"]') WHERE NEW.countries <> '';
  UPDATE request_status_counts SET n = n + 1 WHERE status = NEW.status;
END;

CREATE TRIGGER requests_lookup_update_text AFTER UPDATE OF reference, requester_name, requester_email, org_name ON requests BEGIN
  UPDATE request_search SET reference = NEW.reference, requester = NEW.requester_name || ' ' || NEW.requester_email,
    organisation = NEW.org_name WHERE rowid = NEW.id;
END;

CREATE TRIGGER requests_lookup_update_countries AFTER UPDATE OF countries, org_country, created_at ON requests BEGIN
  DELETE FROM request_countries WHERE request_id = NEW.id;
  INSERT OR IGNORE INTO request_countries (country, created_at, request_id) VALUES (NEW.org_country, NEW.created_at, NEW.id);
  INSERT OR IGNORE INTO request_countries (country, created_at, request_id)
    SELECT value, NEW.created_at, NEW.id FROM json_each('["' || replace(NEW.countries, ' ', '","') || '"]') WHERE NEW.countries <> '';
END;

CREATE TRIGGER requests_lookup_update_status AFTER UPDATE OF status ON requests WHEN OLD.status <> NEW.status BEGIN
  UPDATE request_status_counts SET n = n - 1 WHERE status = OLD.status;
  UPDATE request_status_counts SET n = n + 1 WHERE status = NEW.status;
END;

CREATE TRIGGER requests_lookup_delete AFTER DELETE ON requests BEGIN
  DELETE FROM request_search WHERE rowid = OLD.id;
  UPDATE request_status_counts SET n = n - 1 WHERE status = OLD.status;
END;

-- Articles change the search text of their request (inserted after the request row).
CREATE TRIGGER request_articles_search_insert AFTER INSERT ON request_articles BEGIN
  UPDATE request_search SET articles = (SELECT group_concat(title || ' ' || url, ' ') FROM request_articles
    WHERE request_id = NEW.request_id) WHERE rowid = NEW.request_id;
END;
CREATE TRIGGER request_articles_search_update AFTER UPDATE ON request_articles BEGIN
  UPDATE request_search SET articles = COALESCE((SELECT group_concat(title || ' ' || url, ' ') FROM request_articles
    WHERE request_id = NEW.request_id), '') WHERE rowid = NEW.request_id;
END;
CREATE TRIGGER request_articles_search_delete AFTER DELETE ON request_articles BEGIN
  UPDATE request_search SET articles = COALESCE((SELECT group_concat(title || ' ' || url, ' ') FROM request_articles
    WHERE request_id = OLD.request_id), '') WHERE rowid = OLD.request_id;
END;
