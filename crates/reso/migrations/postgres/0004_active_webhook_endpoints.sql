-- Every recorded event fans its webhook deliveries out over the merchant's
-- active endpoints inside the statement that writes the jobs.
CREATE INDEX webhook_endpoints_active ON webhook_endpoints (merchant_id) WHERE disabled_at IS NULL;
