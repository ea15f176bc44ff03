-- The event log becomes tamper-evident: each event carries
--   hash = SHA-256(previous hash of its merchant || canonical bytes of the event)
-- as 64 hex digits, computed by the appending code (store/events.rs); the
-- first hashed event of a merchant chains from 32 zero bytes.
-- Events written before this migration keep a NULL hash: SQL cannot compute
-- SHA-256 portably, so the chain starts at each merchant's first hashed
-- event and `reso audit verify` reports how many unchained events precede it.
ALTER TABLE events ADD COLUMN hash TEXT;

-- The end of each merchant's chain. An appending transaction locks its
-- merchants' rows first (an upsert), so two transactions never chain from
-- the same event; the row also lets verify notice events cut off the end.
CREATE TABLE event_chain_heads (
    merchant_id   BIGINT PRIMARY KEY REFERENCES merchants(id),
    last_event_id BIGINT NOT NULL,
    last_hash     TEXT NOT NULL
);
