-- The desk's filters inside the full-text index, so that a search with filters asks
-- the index for rows that hold the words AND the filters' terms.
--
-- Before, a search walked every request matching its words, newest first, and looked
-- each one up to check the filters, until it had a page. When the filters left fewer
-- than a page of them, it looked up every match: at a million requests "matin" +
-- new + broadcast (21 rows) read 38,000 requests and took 88 ms, "pub" + in review +
-- print 89 ms. With the filters' terms in the index these take 0.36 and 0.47 ms, and
-- the desk bench's search ("matin" + licensed + online) 0.62 → 0.33–0.51 ms.
--
-- The same for a search within dates: "pub" received on one day two years ago read
-- every newer request holding "pub" first (96 ms at a million); now 0.24 ms.
--
-- Each request gets one term per filter value, in the column `facets`:
--   ^s<status>  ^m<medium>  ^t<territory>  ^c<country> (its organisation's country and
--   each listed country, as the desk's country filter means it), with underscores
--   dropped (in_review → ^sinreview: the tokenizer splits words at "_"), and
--   ^d<YYYYMMDD>, the UTC day it was received: with the index's prefixes a month is
--   "^d202403"* and a year "^d2024"*, so any range of days is a few terms.
-- "^" is made a token character, so "^sinreview" is one term; the desk's search words
-- never start with one (searchQuery), so no typed word can match a filter term.
-- A term can still be forged (a requester who types "^snew" into a field), so the
-- queue's SQL keeps its own conditions on the columns: the terms only narrow the rows
-- it looks at, they never decide on their own.
--
-- One definition of the terms, this view: the insert path (src/db/repos/requests.ts)
-- and the trigger below both read it. src/db/repos/desk-queries.ts (facetTerms,
-- dayRangeTerms) writes the query side; tests/unit/search-facets.test.ts holds the two
-- to each other for every value.
CREATE VIEW request_search_facets (id, facets) AS
  SELECT r.id,
    '^s' || replace(r.status, '_', '') || ' ^m' || replace(r.medium, '_', '') || ' ^t' || replace(r.territory, '_', '')
      || ' ^c' || r.org_country || CASE WHEN r.countries = '' THEN '' ELSE ' ^c' || replace(r.countries, ' ', ' ^c') END
      || ' ^d' || replace(substr(r.created_at, 1, 10), '-', '')
  FROM requests r;

-- Rebuilt as 0021 built it (same options, same text), with the new column and token character.
-- About a minute per million requests, once; the old index stays until the migration commits.
DROP TABLE request_search;
CREATE VIRTUAL TABLE request_search USING fts5 (
  reference, requester, organisation, articles, facets,
  tokenize = "unicode61 remove_diacritics 2 tokenchars '^'",
  prefix = '1 2 3 4 5 6 7 8',
  detail = none
);
INSERT INTO request_search (rowid, reference, requester, organisation, articles, facets)
  SELECT r.id, r.reference, r.requester_name || ' ' || r.requester_email, r.org_name,
         COALESCE((SELECT group_concat(a.title || ' ' || a.url, ' ' ORDER BY a.position)
                   FROM request_articles a WHERE a.request_id = r.id), ''),
         f.facets
  FROM requests r JOIN request_search_facets f ON f.id = r.id ORDER BY r.id;
INSERT INTO request_search (request_search) VALUES ('optimize');

-- The desk's actions change the status; erasure and desk edits may change the rest.
CREATE TRIGGER requests_search_facets_update
  AFTER UPDATE OF status, medium, territory, countries, org_country, created_at ON requests
  WHEN OLD.status IS NOT NEW.status OR OLD.medium IS NOT NEW.medium OR OLD.territory IS NOT NEW.territory
    OR OLD.countries IS NOT NEW.countries OR OLD.org_country IS NOT NEW.org_country OR OLD.created_at IS NOT NEW.created_at
BEGIN
  UPDATE request_search SET facets = (SELECT facets FROM request_search_facets WHERE id = NEW.id) WHERE rowid = NEW.id;
END;
