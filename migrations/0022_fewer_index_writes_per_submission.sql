-- A submission wrote ~14.5 pages to the WAL, and the COMMIT that writes them was the
-- largest part of a submission's cost. Each index whose key is random (an address, a
-- name, a random id) puts each new row on a different page. Counted per b-tree
-- (bench/RESULTS.md), four of those pages bought nothing:
--
--  * requests_email, requests_org_name, requests_org_country: no query reads them.
--    Every lookup by address is case-insensitive and reads requests_email_lower
--    (0015); the desk's country filter reads request_countries (0012); no query
--    looks a request up by its organisation's name.
--  * outbox_recipient held both messages of every request, but only acknowledgements
--    to the requester are counted (the daily cap on mail to an unverified address):
--    a partial index of those holds half as many rows. It is on the address in lower
--    case, so Ada@Example.org and ada@example.org share one cap.
--
-- And the outbox's UNIQUE message_id index (2.4 pages a submission, the most of any
-- b-tree) no longer scatters: new Message-IDs begin with the time (src/db/repos/outbox.ts),
-- so they are added at the end of the index.
DROP INDEX requests_email;
DROP INDEX requests_org_name;
DROP INDEX requests_org_country;
DROP INDEX outbox_recipient;
CREATE INDEX outbox_acks ON outbox (lower(recipient), created_at) WHERE template = 'requester_ack';
