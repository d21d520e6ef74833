-- (PostgreSQL also gets the change notification trigger; SQLite has one process per file.)
-- Leases on storage keys, so `packyard storage gc` never deletes an object that a writer is
-- about to reference: a writer leases a key before it stores the object and drops the lease
-- after the row that references it is committed; the collector leases a key before it
-- deletes the object and skips keys that a writer holds.
CREATE TABLE blob_leases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    blob_key TEXT NOT NULL,
    holder TEXT NOT NULL CHECK (holder IN ('writer', 'collector')),
    created_at BIGINT NOT NULL
);
CREATE INDEX blob_leases_key ON blob_leases (blob_key);
