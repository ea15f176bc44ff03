-- The chain is sealed after commit by the worker, not inside the writing
-- transaction: locking a shop's chain head until commit serialized every
-- event-writing transaction of that shop on PostgreSQL (issue 4).
-- Events are written with no hash and no place; the sealer takes the head,
-- chains the unsealed events in id order, and gives each its place
-- (`chain_seq`, 1, 2, … per merchant) with its hash. A transaction that
-- commits late with a lower id is simply sealed later, at a later place.
ALTER TABLE events ADD COLUMN chain_seq BIGINT;

-- Events chained so far took their places in id order.
UPDATE events SET chain_seq = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY merchant_id ORDER BY id) AS n
      FROM events WHERE hash IS NOT NULL) AS r
WHERE r.id = events.id;

ALTER TABLE event_chain_heads ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
UPDATE event_chain_heads SET last_seq =
    (SELECT COUNT(*) FROM events e WHERE e.merchant_id = event_chain_heads.merchant_id AND e.hash IS NOT NULL);

-- One event per place: two sealers can never fork a chain.
CREATE UNIQUE INDEX events_chain ON events (merchant_id, chain_seq) WHERE chain_seq IS NOT NULL;
-- What the sealer has left to do; small, as rows leave it once sealed.
-- Events from before the chain existed (no hash) are sealed too, at the end.
CREATE INDEX events_unsealed ON events (merchant_id, id) WHERE chain_seq IS NULL;
