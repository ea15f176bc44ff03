-- Quality alerts: a SKU whose return rate for quality reasons (damaged,
-- defective, not as described) reached the merchant's threshold. The worker's
-- sweep raises them; staff acknowledge them in the control center.

-- A merchant's own threshold; no row means the defaults (`QualityRule`).
CREATE TABLE quality_alert_rules (
    merchant_id    BIGINT PRIMARY KEY REFERENCES merchants(id),
    threshold_bp   BIGINT NOT NULL CHECK (threshold_bp BETWEEN 1 AND 10000),
    min_units_sold BIGINT NOT NULL CHECK (min_units_sold >= 1),
    window_days    BIGINT NOT NULL CHECK (window_days BETWEEN 7 AND 365),
    updated_at     BIGINT NOT NULL
);

CREATE TABLE quality_alerts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id     BIGINT NOT NULL REFERENCES merchants(id),
    sku             TEXT NOT NULL,
    title           TEXT NOT NULL,
    -- The figures when it was raised: rate in basis points, units.
    rate_bp         BIGINT NOT NULL,
    threshold_bp    BIGINT NOT NULL,
    sold            BIGINT NOT NULL,
    returned        BIGINT NOT NULL,
    -- JSON {"damaged": 3, …} and the most recent buyers' comments then.
    by_reason       TEXT NOT NULL,
    comments        TEXT NOT NULL,
    -- Orders placed from here on made the cohort.
    window_from     BIGINT NOT NULL,
    raised_at       BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    -- Set when the rate dropped below the threshold: the next crossing
    -- raises a new alert (hysteresis).
    rearmed_at      BIGINT
);
-- At most one standing alert per SKU: the last line against a double raise.
CREATE UNIQUE INDEX quality_alerts_standing ON quality_alerts (merchant_id, sku) WHERE rearmed_at IS NULL;
CREATE INDEX quality_alerts_unacknowledged ON quality_alerts (merchant_id, id) WHERE acknowledged_at IS NULL;

-- Where the sweep got to: returns after this id are new to it.
CREATE TABLE quality_sweeps (
    id             BIGINT PRIMARY KEY CHECK (id = 1),
    last_return_id BIGINT NOT NULL,
    swept_at       BIGINT NOT NULL
);
INSERT INTO quality_sweeps (id, last_return_id, swept_at) VALUES (1, 0, 0);

-- A SKU's sales, for its rate. Written at order intake, never on the return path.
CREATE INDEX order_lines_by_sku ON order_lines (sku, order_id);
