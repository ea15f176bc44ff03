-- Exports read a merchant's returns, refunds and claims of a period in pages,
-- ordered by (created_at, id) and resumed after the last row sent: these
-- indexes let each page start where the previous one stopped instead of
-- sorting the whole period again.
CREATE INDEX returns_by_period ON returns (merchant_id, created_at, id);
CREATE INDEX refunds_by_period ON refunds (merchant_id, created_at, id);
CREATE INDEX claims_by_period ON claims (merchant_id, created_at, id);
