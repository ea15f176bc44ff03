-- The insights dashboard counts a merchant's period of orders, returns,
-- refunds and claims in the database. Each of its queries starts from one of
-- these indexes (merchant, then the instant the period is about), so the
-- dashboard reads only the period's rows, however much history there is.
-- Return requests and claims of a period are read through the exports'
-- `returns_by_period` and `claims_by_period` (0015): a second index on the
-- same columns would only slow every return request down.

-- Units sold: orders placed in the period (with the currency, to find the
-- merchant's most used one from the index alone).
CREATE INDEX orders_by_merchant_placed ON orders (merchant_id, placed_at) INCLUDE (currency, id);

-- Refunds paid: succeeded refunds by the instant they succeeded (their last
-- change), carrying what the sums and the waits read.
CREATE INDEX refunds_paid ON refunds (merchant_id, currency, updated_at) INCLUDE (amount_minor, return_id)
    WHERE status = 'succeeded';

-- The answer deadline of each claim opened in the period.
CREATE INDEX deadlines_by_claim ON deadlines (claim_id, kind);
