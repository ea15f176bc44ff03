-- Refunds still waiting for their provider: read by every /metrics scrape
-- and by the worker, and few among many settled ones.
CREATE INDEX refunds_pending ON refunds (gateway, currency) WHERE status = 'pending';
