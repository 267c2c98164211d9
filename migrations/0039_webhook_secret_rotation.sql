-- A rotated endpoint's previous secret keeps signing (beside the new one) until previous_secret_until, so its
-- receiver can switch at its own pace; both are NULL when the endpoint has only one secret.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret       TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until TEXT;
