-- Web portal sessions. The cookie holds a 256-bit random value; only its SHA-256 is stored,
-- so a copy of the database does not let anyone log in. `kind` is 'customer' or 'operator';
-- `principal_id` is accounts.id or operators.id accordingly.
CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    principal_id BIGINT NOT NULL,
    -- Synchronizer token echoed in every state-changing form (see server/src/csrf.rs).
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Failed portal logins, counted per scope (client IP + email) over a sliding window so
-- every node enforces the same limit.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_scope ON login_failures(scope, at);
