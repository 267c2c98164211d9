-- The read API's status filter: one range of this index per status, merged by last change, instead of walking every
-- request in the order of last change to test its status (the open statuses are a few recent per cent of the table).
CREATE INDEX requests_status_updated ON requests (status, updated_at, id);
