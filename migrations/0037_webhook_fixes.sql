-- Webhooks, corrected: a status change is the request's own (an email's retry is audited on the request too, with
-- the email's statuses), and the hourly pruning and the digest's daily check find their rows by index.
DROP TRIGGER webhook_request_audited;
CREATE TRIGGER webhook_request_audited AFTER INSERT ON audit_log
WHEN NEW.subject_type = 'request' AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, request_id, at, data_json)
  SELECT 'request.status_changed', r.id, NEW.at, json_object('reference', r.reference, 'status', r.status,
    'previousStatus', json_extract(NEW.before_json, '$.status'))
  FROM requests r WHERE r.id = CAST(NEW.subject_id AS INTEGER)
    AND NEW.action GLOB 'request.*'
    AND r.status = json_extract(NEW.after_json, '$.status')
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
    OR (NEW.action GLOB 'request.*' AND r.status = 'licensed'
        AND json_extract(NEW.after_json, '$.status') = 'licensed'
        AND json_extract(NEW.before_json, '$.status') IS NOT 'licensed'));
END;

CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_events_type_at ON webhook_events (type, at);
