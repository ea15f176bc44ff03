-- Chargebacks and provider claims as the providers report them, one row per
-- dispute at an account, moved forward only (see reso_domain::dispute).
-- `payment_id` is Reso's payment the dispute is on, when Reso has it: while
-- a dispute on a payment is undecided, no refund goes out on that payment.
-- `drawn_minor`: what a lost chargeback took from the payment's refundable
-- balance (the buyer got it back through the chargeback).
CREATE TABLE disputes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id  BIGINT NOT NULL REFERENCES merchants(id),
    account_id   BIGINT NOT NULL REFERENCES provider_accounts(id) ON DELETE CASCADE,
    dispute_id   TEXT NOT NULL,
    payment_id   BIGINT REFERENCES payments(id),
    stage        TEXT NOT NULL,
    state        TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    reason_code  TEXT NOT NULL,
    respond_by   BIGINT,
    response     TEXT,
    drawn_minor  BIGINT NOT NULL DEFAULT 0,
    reported_at  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (account_id, dispute_id)
);

CREATE INDEX disputes_undecided_by_payment ON disputes (payment_id)
    WHERE state IN ('needs_response', 'under_review');
