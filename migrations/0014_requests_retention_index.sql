-- The daily retention run looks for closed requests not yet anonymised whose
-- closing date (closed_at, or the last change for rows closed before 0009) is
-- older than RETENTION_MONTHS. This partial index holds exactly those candidates,
-- so the run reads only them, in closing order.
CREATE INDEX requests_retention ON requests (coalesce(closed_at, updated_at))
  WHERE anonymised_at IS NULL AND status IN ('licensed', 'declined', 'withdrawn', 'spam');
