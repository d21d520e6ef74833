-- Operator API tokens get a scope (what they may do through the admin API: 'read' = GET only,
-- 'publish' = packages and releases, 'admin' = everything) and can be revoked (the row stays
-- for the audit trail; a revoked token never authenticates again). Operators can be disabled:
-- a disabled operator's tokens and portal sessions stop working until enabled again.
ALTER TABLE operator_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE operator_tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE operators ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
