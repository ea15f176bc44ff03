-- A dispute on an order Reso knows is a claim (kind chargeback or
-- provider_claim) the merchant answers from the claim page. The answer
-- (accept, or evidence with the merchant's statement) is kept until the
-- provider has taken it: the worker builds the evidence and sends it.
ALTER TABLE disputes ADD COLUMN claim_id INTEGER REFERENCES claims(id);
ALTER TABLE disputes ADD COLUMN statement TEXT;
ALTER TABLE disputes ADD COLUMN refund_refusal TEXT;
CREATE UNIQUE INDEX disputes_by_claim ON disputes (claim_id);
-- The evidence as built when the merchant answered (JSON, files in base64):
-- every retry sends the same bytes under the same idempotency key.
ALTER TABLE disputes ADD COLUMN evidence TEXT;
