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
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id  BIGINT NOT NULL REFERENCES merchants(id),
    provider     TEXT NOT NULL,
    base_url     TEXT NOT NULL,
    settings     TEXT NOT NULL DEFAULT '{}',
    secrets      TEXT NOT NULL DEFAULT '{}',
    secret_hints TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (merchant_id, provider)
);

-- Every provider notification applied, by the provider's own id: a repeated
-- delivery finds its row and changes nothing twice.
CREATE TABLE provider_notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES provider_accounts(id) ON DELETE CASCADE,
    notification_id TEXT NOT NULL,
    occurred_at     BIGINT NOT NULL,
    received_at     BIGINT NOT NULL,
    UNIQUE (account_id, notification_id)
);

-- A refund can now be 'reversed': it had succeeded and the provider took it
-- back, so the money is owed again.
ALTER TABLE refunds DROP CONSTRAINT refunds_status_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_status_check
    CHECK (status IN ('pending', 'succeeded', 'failed', 'reversed'));

-- Provider news names a refund by the provider's id.
CREATE INDEX refunds_by_gateway_id ON refunds (merchant_id, gateway, gateway_refund_id)
    WHERE gateway_refund_id IS NOT NULL;
