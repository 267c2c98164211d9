-- Licensing requests: one row per request, its articles in their own table.
-- Booleans are 0/1; money is integer minor units; times are UTC ISO-8601 text.
CREATE TABLE requests (
  id                  INTEGER PRIMARY KEY,
  reference           TEXT    NOT NULL UNIQUE,
  access_token        TEXT    NOT NULL UNIQUE,
  status              TEXT    NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new','in_review','quoted','licensed','declined','withdrawn','spam')),
  locale              TEXT    NOT NULL CHECK (locale IN ('en','fr','ar')),
  requester_name      TEXT    NOT NULL,
  requester_email     TEXT    NOT NULL,
  requester_phone     TEXT,
  requester_job_title TEXT,
  org_name            TEXT    NOT NULL,
  org_type            TEXT    NOT NULL,
  org_country         TEXT    NOT NULL,
  org_website         TEXT,
  org_non_profit      INTEGER NOT NULL CHECK (org_non_profit IN (0,1)),
  medium              TEXT    NOT NULL,
  territory           TEXT    NOT NULL,
  countries           TEXT    NOT NULL DEFAULT '',   -- space-separated ISO 3166-1 alpha-2 codes
  language            TEXT    NOT NULL,
  translation         INTEGER NOT NULL CHECK (translation IN (0,1)),
  audience            INTEGER NOT NULL CHECK (audience >= 0),
  start_date          TEXT    NOT NULL,
  duration_months     INTEGER NOT NULL CHECK (duration_months > 0),
  exclusive           INTEGER NOT NULL CHECK (exclusive IN (0,1)),
  commercial          INTEGER NOT NULL CHECK (commercial IN (0,1)),
  images              INTEGER NOT NULL CHECK (images IN (0,1)),
  message             TEXT,
  -- The quote as computed at submission, with the rate card version: a later
  -- rate card never changes it.
  quote_json          TEXT    NOT NULL,
  quote_total_minor   INTEGER,
  currency            TEXT    NOT NULL,
  refer_to_desk       INTEGER NOT NULL CHECK (refer_to_desk IN (0,1)),
  rate_card_version   TEXT    NOT NULL,
  created_at          TEXT    NOT NULL,
  updated_at          TEXT    NOT NULL
) STRICT;

CREATE INDEX requests_created ON requests (created_at DESC, id DESC);
CREATE INDEX requests_status_created ON requests (status, created_at DESC, id DESC);
CREATE INDEX requests_email ON requests (requester_email);

CREATE TABLE request_articles (
  id            INTEGER PRIMARY KEY,
  request_id    INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  url           TEXT    NOT NULL,
  title         TEXT    NOT NULL,
  portion       TEXT    NOT NULL CHECK (portion IN ('full','extract')),
  extract_words INTEGER,
  UNIQUE (request_id, position)
) STRICT;

CREATE INDEX request_articles_url ON request_articles (url);

-- REP-<year>-<n>: n counts up within each year.
CREATE TABLE reference_counters (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
) STRICT;
