-- Values the service generates for itself on first start (e.g. the form-token
-- secret when FORM_SECRET is not set), so they survive restarts.
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
