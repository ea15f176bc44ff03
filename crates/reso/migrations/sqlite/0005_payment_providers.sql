-- Payment providers: each merchant's accounts at Stripe, PayPal, Adyen and
-- Klarna, the notifications those providers sent, and refunds that a
-- provider reversed after they had succeeded.

-- One account per merchant and provider. `settings` is a JSON object of
-- public settings (Adyen merchant account, PayPal client id). `secrets` is a
-- JSON object of values sealed with RESO_SECRET_KEY (never plaintext), and
-- `secret_hints` their last four characters, to tell keys apart in a list.
-- The id is part of the webhook URL the provider posts to, so replacing an
-- account keeps its row.
CREATE TABLE provider_accounts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id  INTEGER NOT NULL REFERENCES merchants(id),
    provider     TEXT NOT NULL,
    base_url     TEXT NOT NULL,
    settings     TEXT NOT NULL DEFAULT '{}',
    secrets      TEXT NOT NULL DEFAULT '{}',
    secret_hints TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (merchant_id, provider)
);

-- Every provider notification applied, by the provider's own id: a repeated
-- delivery finds its row and changes nothing twice.
CREATE TABLE provider_notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES provider_accounts(id) ON DELETE CASCADE,
    notification_id TEXT NOT NULL,
    occurred_at     INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    UNIQUE (account_id, notification_id)
);

-- A refund can now be 'reversed': it had succeeded and the provider took it
-- back, so the money is owed again. SQLite cannot change a CHECK in place:
-- the table is rebuilt with the same columns (nothing references refunds).
CREATE TABLE refunds_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id       INTEGER NOT NULL REFERENCES merchants(id),
    order_id          INTEGER NOT NULL REFERENCES orders(id),
    payment_id        INTEGER NOT NULL REFERENCES payments(id),
    return_id         INTEGER REFERENCES returns(id),
    amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
    currency          TEXT NOT NULL,
    method            TEXT NOT NULL,
    reason            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'reversed')),
    gateway           TEXT NOT NULL,
    gateway_refund_id TEXT,
    failure           TEXT,
    credit_note       TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (merchant_id, credit_note)
);
INSERT INTO refunds_new (id, merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, reason,
    status, gateway, gateway_refund_id, failure, credit_note, created_by, created_at, updated_at)
SELECT id, merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, reason,
    status, gateway, gateway_refund_id, failure, credit_note, created_by, created_at, updated_at
FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_new RENAME TO refunds;
CREATE INDEX refunds_by_order ON refunds (order_id);
CREATE INDEX refunds_pending ON refunds (gateway, currency) WHERE status = 'pending';

-- Provider news names a refund by the provider's id.
CREATE INDEX refunds_by_gateway_id ON refunds (merchant_id, gateway, gateway_refund_id)
    WHERE gateway_refund_id IS NOT NULL;
