-- Chargebacks and provider claims as the providers report them, one row per
-- dispute at an account, moved forward only (see reso_domain::dispute).
-- `payment_id` is Reso's payment the dispute is on, when Reso has it: while
-- a dispute on a payment is undecided, no refund goes out on that payment.
-- `drawn_minor`: what a lost chargeback took from the payment's refundable
-- balance (the buyer got it back through the chargeback).
CREATE TABLE disputes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id  INTEGER NOT NULL REFERENCES merchants(id),
    account_id   INTEGER NOT NULL REFERENCES provider_accounts(id) ON DELETE CASCADE,
    dispute_id   TEXT NOT NULL,
    payment_id   INTEGER REFERENCES payments(id),
    stage        TEXT NOT NULL,
    state        TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    reason_code  TEXT NOT NULL,
    respond_by   INTEGER,
    response     TEXT,
    drawn_minor  INTEGER NOT NULL DEFAULT 0,
    reported_at  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (account_id, dispute_id)
);

CREATE INDEX disputes_undecided_by_payment ON disputes (payment_id)
    WHERE state IN ('needs_response', 'under_review');
