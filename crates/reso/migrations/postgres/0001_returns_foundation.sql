-- The returns foundation: merchants and their staff, orders as shops report
-- them, returns, refunds, the event log and the outbox of jobs.
-- Integers are 64-bit everywhere (BIGINT here, INTEGER on SQLite) so one
-- set of queries reads both; booleans are 0/1; instants are Unix milliseconds.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE merchants (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    support_email   TEXT NOT NULL,
    support_phone   TEXT NOT NULL DEFAULT '',
    support_hours   TEXT NOT NULL DEFAULT '',
    support_url     TEXT NOT NULL DEFAULT '',
    return_address  TEXT NOT NULL DEFAULT '',
    default_locale  TEXT NOT NULL DEFAULT 'en',
    currency        TEXT NOT NULL,
    -- JSON documents owned by the domain (ReturnPolicy, DecisionMatrix, notification preferences).
    policy          TEXT NOT NULL,
    decision_matrix TEXT NOT NULL,
    notifications   TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL
);

CREATE TABLE staff_users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id   BIGINT NOT NULL REFERENCES merchants(id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Only hashes of session tokens and API keys are stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES staff_users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE orders (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    number      TEXT NOT NULL,
    buyer_email TEXT NOT NULL,
    buyer_name  TEXT NOT NULL,
    locale      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    placed_at   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    -- Touched by every change to the order or its returns: on PostgreSQL the
    -- row lock this takes serializes concurrent changes to one order.
    updated_at  BIGINT NOT NULL,
    UNIQUE (merchant_id, number)
);
CREATE INDEX orders_by_buyer ON orders (merchant_id, buyer_email);

CREATE TABLE order_lines (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         BIGINT NOT NULL REFERENCES orders(id),
    sku              TEXT NOT NULL,
    title            TEXT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    returnable       BIGINT NOT NULL DEFAULT 1,
    UNIQUE (order_id, sku)
);

CREATE TABLE payments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders(id),
    method         TEXT NOT NULL,
    gateway        TEXT NOT NULL,
    reference      TEXT NOT NULL,
    currency       TEXT NOT NULL,
    captured_minor BIGINT NOT NULL CHECK (captured_minor >= 0),
    -- Pending and succeeded refunds. The CHECK is the last line of defence of
    -- the never-exceed rule; the refund path also updates it conditionally.
    refunded_minor BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= captured_minor),
    UNIQUE (order_id, reference)
);

CREATE TABLE shipments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        BIGINT NOT NULL REFERENCES orders(id),
    carrier         TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    shipped_at      BIGINT,
    delivered_at    BIGINT,
    UNIQUE (order_id, tracking_number)
);

CREATE TABLE returns (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id      BIGINT NOT NULL REFERENCES merchants(id),
    order_id         BIGINT NOT NULL REFERENCES orders(id),
    rma              TEXT,
    status           TEXT NOT NULL,
    decision         TEXT NOT NULL,
    decision_rule    TEXT,
    keep_goods       BIGINT NOT NULL DEFAULT 0,
    comment          TEXT NOT NULL DEFAULT '',
    rejection_reason TEXT,
    refund_method    TEXT NOT NULL,
    return_carrier   TEXT,
    return_tracking  TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (merchant_id, rma)
);
CREATE INDEX returns_queue ON returns (merchant_id, status, created_at);
CREATE INDEX returns_by_order ON returns (order_id);

CREATE TABLE return_lines (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id         BIGINT NOT NULL REFERENCES returns(id),
    order_line_id     BIGINT NOT NULL REFERENCES order_lines(id),
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    reason            TEXT NOT NULL,
    accepted_quantity BIGINT,
    condition_note    TEXT
);
CREATE INDEX return_lines_by_return ON return_lines (return_id);

CREATE TABLE return_photos (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id    BIGINT NOT NULL REFERENCES returns(id),
    content_type TEXT NOT NULL,
    body         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE refunds (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id       BIGINT NOT NULL REFERENCES merchants(id),
    order_id          BIGINT NOT NULL REFERENCES orders(id),
    payment_id        BIGINT NOT NULL REFERENCES payments(id),
    return_id         BIGINT REFERENCES returns(id),
    amount_minor      BIGINT NOT NULL CHECK (amount_minor > 0),
    currency          TEXT NOT NULL,
    method            TEXT NOT NULL,
    reason            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    gateway           TEXT NOT NULL,
    gateway_refund_id TEXT,
    failure           TEXT,
    credit_note       TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (merchant_id, credit_note)
);
CREATE INDEX refunds_by_order ON refunds (order_id);

-- Per-merchant sequences (credit note numbers are consecutive, as accounting wants).
CREATE TABLE counters (
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    name        TEXT NOT NULL,
    value       BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, name)
);

-- Replays of API writes sent with an Idempotency-Key get the first answer back.
CREATE TABLE idempotency_keys (
    merchant_id     BIGINT NOT NULL REFERENCES merchants(id),
    key             TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    response_status BIGINT NOT NULL,
    response_body   TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, key)
);

-- Every change of state, appended in the transaction that made it.
CREATE TABLE events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    order_id    BIGINT REFERENCES orders(id),
    return_id   BIGINT REFERENCES returns(id),
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    data        TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX events_by_order ON events (order_id, id);
CREATE INDEX events_by_return ON events (return_id, id);

CREATE TABLE webhook_endpoints (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    disabled_at BIGINT
);

-- The outbox: mails, webhooks and gateway calls, written with the change that
-- caused them and run by the worker with retries.
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    run_at       BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    last_error   TEXT,
    done_at      BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);
