-- Webhooks: endpoints admins register, the events of requests, and one delivery of each event per endpoint that
-- wants it. Triggers record the events in the transaction of the change itself (a request stored, a status changed,
-- a message from the requester…), and only while an endpoint is enabled, so the form pays nothing without webhooks.
CREATE TABLE webhook_endpoints (
  id              INTEGER PRIMARY KEY,
  url             TEXT    NOT NULL,
  format          TEXT    NOT NULL CHECK (format IN ('standard', 'chat')),
  events          TEXT    NOT NULL,
  secret          TEXT    NOT NULL,
  created_by      TEXT    NOT NULL,
  created_at      TEXT    NOT NULL,
  disabled_at     TEXT,
  disabled_reason TEXT
) STRICT;

CREATE TABLE webhook_events (
  id         INTEGER PRIMARY KEY,
  type       TEXT    NOT NULL,
  request_id INTEGER,
  at         TEXT    NOT NULL,
  data_json  TEXT    NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
  id              INTEGER PRIMARY KEY,
  endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id        INTEGER NOT NULL REFERENCES webhook_events (id),
  -- webhook-id: the same on every attempt of this delivery.
  message_id      TEXT    NOT NULL DEFAULT ('msg_' || lower(hex(randomblob(16)))),
  status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT    NOT NULL,
  claimed_at      TEXT,
  last_status     INTEGER,
  last_error      TEXT,
  last_duration_ms INTEGER,
  delivered_at    TEXT,
  created_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);

-- One delivery per enabled endpoint that wants the event's type.
CREATE TRIGGER webhook_event_deliveries AFTER INSERT ON webhook_events
BEGIN
  INSERT INTO webhook_deliveries (endpoint_id, event_id, next_attempt_at, created_at)
  SELECT e.id, NEW.id, NEW.at, NEW.at FROM webhook_endpoints e
  WHERE e.disabled_at IS NULL AND instr(',' || e.events || ',', ',' || NEW.type || ',') > 0;
END;

CREATE TRIGGER webhook_request_created AFTER INSERT ON requests
WHEN EXISTS (SELECT 1 FROM webhook_endpoints WHERE disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, request_id, at, data_json)
  VALUES ('request.created', NEW.id, NEW.created_at, json_object('reference', NEW.reference, 'status', NEW.status));
END;

-- The desk's and the requester's actions, revocations and messages are all audited: the audit row says what happened.
CREATE TRIGGER webhook_request_audited AFTER INSERT ON audit_log
WHEN NEW.subject_type = 'request' AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, request_id, at, data_json)
  SELECT 'request.status_changed', r.id, NEW.at, json_object('reference', r.reference, 'status', r.status,
    'previousStatus', json_extract(NEW.before_json, '$.status'))
  FROM requests r WHERE r.id = CAST(NEW.subject_id AS INTEGER)
    AND json_extract(NEW.after_json, '$.status') IS NOT NULL
    AND json_extract(NEW.before_json, '$.status') IS NOT json_extract(NEW.after_json, '$.status');

  INSERT INTO webhook_events (type, request_id, at, data_json)
  SELECT CASE
      WHEN NEW.action = 'request.send_quote' THEN 'quote.sent'
      WHEN NEW.action = 'request.accept_quote' THEN 'quote.accepted'
      WHEN NEW.action = 'request.revoke_licence' THEN 'licence.revoked'
      WHEN NEW.action = 'message.add' THEN 'message.received'
      ELSE 'licence.issued'
    END, r.id, NEW.at,
    json_object('reference', r.reference, 'status', r.status, 'licenceNumber', r.licence_number)
  FROM requests r WHERE r.id = CAST(NEW.subject_id AS INTEGER) AND (
    NEW.action IN ('request.send_quote', 'request.accept_quote', 'request.revoke_licence')
    OR (NEW.action = 'message.add' AND json_extract(NEW.after_json, '$.author') = 'requester')
    OR (json_extract(NEW.after_json, '$.status') = 'licensed'
        AND json_extract(NEW.before_json, '$.status') IS NOT 'licensed'));
END;
