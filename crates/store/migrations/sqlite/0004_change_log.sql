-- What each change-counter bump changed, written in the same transaction as the change, so a
-- server applies only the changed entity to its in-memory snapshot instead of reloading
-- everything. kind: 'account' (entity = accounts.id: the account, its keys, licences,
-- invoices, download token), 'package' (entity = packages.id), 'operators', 'releases', or
-- 'all' (reload everything, e.g. products). Old rows are pruned; a server that finds a gap
-- reloads everything.
CREATE TABLE change_log (
    seq BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    entity BIGINT NOT NULL
);
