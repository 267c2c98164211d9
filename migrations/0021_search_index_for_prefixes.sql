-- The desk's full-text index, rebuilt for how the desk searches it: every word is a
-- prefix ("matin" finds "Matinale") and all words are required, nothing else (no
-- phrases, no columns, no ranking; src/db/repos/desk-queries.ts searchQuery).
--
--  * prefix = '1 2 3 4 5 6 7 8': a prefix of a length that has its own index is one
--    term, read lazily newest first, so a page stops after 50 matches. With only
--    2 and 3, any other prefix made FTS5 merge the lists of every matching term
--    first: at a million requests "matin" read ~38,000 rows (1.8 ms), "rep 2026"
--    took 25 ms and "m" 17 ms, against 0.34, 0.08 and 0.65 ms now. Longer words
--    match few terms, so merging them stays cheap.
--  * detail = none: the index keeps which rows hold a term, not where. Positions are
--    only needed for phrase and NEAR queries, which the desk never makes; without
--    them the index is well under half the size (459 MB → 169 MB at a million
--    requests, prefixes included) and a new request costs what it cost before.
--
-- Rebuilding takes about a minute per million requests, once, and needs free disk
-- space for the new index beside the old one until the migration commits.
--
-- Rebuilt from the requests themselves, as the insert path writes each row
-- (src/db/repos/requests.ts), rather than copied through a temporary table, which
-- would put every requester's name and address in a file outside the data folder.
DROP TABLE request_search;
CREATE VIRTUAL TABLE request_search USING fts5 (
  reference, requester, organisation, articles,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3 4 5 6 7 8',
  detail = none
);
INSERT INTO request_search (rowid, reference, requester, organisation, articles)
  SELECT r.id, r.reference, r.requester_name || ' ' || r.requester_email, r.org_name,
         COALESCE((SELECT group_concat(a.title || ' ' || a.url, ' ' ORDER BY a.position)
                   FROM request_articles a WHERE a.request_id = r.id), '')
  FROM requests r ORDER BY r.id;
INSERT INTO request_search (request_search) VALUES ('optimize');
