-- Sign-in and magic-link requests are counted in the database, not in one
-- process's memory: several instances behind one address share the limit,
-- and a restart does not hand an attacker a fresh allowance.
-- One row per counted attempt; a bucket names what is counted, e.g.
-- 'staff-login:account:ops@acme.test' or 'magic-link:address:192.0.2.7'.
CREATE TABLE rate_limit_hits (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (bucket, at);
CREATE INDEX rate_limit_hits_by_age ON rate_limit_hits (at);

-- Sessions also end after a while without use (idle), not only at their
-- absolute expiry. Sessions from before this column start from their creation.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE mediator_sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE mediator_sessions SET last_seen_at = created_at;
CREATE INDEX sessions_by_user ON sessions (user_id);
