-- Buyer protection: protected orders, claims with their documents, messages
-- on claims and returns, deadlines as rows, and the mediator team.

ALTER TABLE orders ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN protection_concluded_at INTEGER;

-- JSON ProtectionTerms (durations, calendar, protect-all flag); '{}' means the defaults.
ALTER TABLE merchants ADD COLUMN protection_terms TEXT NOT NULL DEFAULT '{}';
ALTER TABLE merchants ADD COLUMN insolvent_at INTEGER;

CREATE TABLE claims (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id            INTEGER NOT NULL REFERENCES merchants(id),
    order_id               INTEGER NOT NULL REFERENCES orders(id),
    kind                   TEXT NOT NULL,
    status                 TEXT NOT NULL,
    buyer_text             TEXT NOT NULL,
    variant                TEXT,
    escalation             TEXT,
    -- JSON Outcome once closed.
    outcome                TEXT,
    answer_decision        TEXT,
    answer_amount_minor    INTEGER,
    answer_message         TEXT,
    answered_at            INTEGER,
    return_id              INTEGER REFERENCES returns(id),
    reaction               TEXT,
    reacted_at             INTEGER,
    decision_message       TEXT,
    decided_at             INTEGER,
    due_at                 INTEGER,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE INDEX claims_by_merchant ON claims (merchant_id, status, due_at);
CREATE INDEX claims_by_order ON claims (order_id);
CREATE INDEX claims_by_status ON claims (status, id);

CREATE TABLE claim_documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    uploaded_by  TEXT NOT NULL CHECK (uploaded_by IN ('buyer', 'merchant', 'mediator')),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX claim_documents_by_claim ON claim_documents (claim_id);

-- The conversation on a claim or a return.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    claim_id    INTEGER REFERENCES claims(id),
    return_id   INTEGER REFERENCES returns(id),
    author_role TEXT NOT NULL CHECK (author_role IN ('buyer', 'merchant', 'mediator')),
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    -- Set when the merchant answered or read it; unanswered buyer messages are counted.
    handled_at  INTEGER
);
CREATE INDEX messages_by_claim ON messages (claim_id, id);
CREATE INDEX messages_by_return ON messages (return_id, id);
CREATE INDEX messages_unhandled ON messages (merchant_id, handled_at);

CREATE TABLE message_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   INTEGER NOT NULL REFERENCES messages(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL
);

-- Every deadline is a row with its due instant. A worker fires due ones in
-- the same transaction that applies their effect, so each fires exactly once,
-- also with several processes and after a restart.
CREATE TABLE deadlines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    kind        TEXT NOT NULL,
    claim_id    INTEGER REFERENCES claims(id),
    order_id    INTEGER REFERENCES orders(id),
    due_at      INTEGER NOT NULL,
    fired_at    INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX deadlines_due ON deadlines (fired_at, due_at);

-- The operator's mediator team: not tied to a merchant.
CREATE TABLE mediators (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE mediator_sessions (
    token_hash  TEXT PRIMARY KEY,
    mediator_id INTEGER NOT NULL REFERENCES mediators(id),
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
