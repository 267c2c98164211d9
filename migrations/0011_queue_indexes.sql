-- An index for every filter of the desk queue (/staff/requests), each ending in
-- the queue's order (created_at DESC, id DESC) so a filtered page is a range scan
-- and keyset pagination never sorts. Status and date range use 0001's indexes.
CREATE INDEX requests_medium_created    ON requests (medium, created_at DESC, id DESC);
CREATE INDEX requests_territory_created ON requests (territory, created_at DESC, id DESC);
CREATE INDEX requests_org_country       ON requests (org_country, created_at DESC, id DESC);
CREATE INDEX requests_org_name          ON requests (org_name COLLATE NOCASE);
CREATE UNIQUE INDEX requests_licence_number ON requests (licence_number) WHERE licence_number IS NOT NULL;
