-- Leases on storage keys, so `packyard storage gc` never deletes an object that a writer is
-- about to reference: a writer leases a key before it stores the object and drops the lease
-- after the row that references it is committed; the collector leases a key before it
-- deletes the object and skips keys that a writer holds.
CREATE TABLE blob_leases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    blob_key TEXT NOT NULL,
    holder TEXT NOT NULL CHECK (holder IN ('writer', 'collector')),
    created_at BIGINT NOT NULL
);
CREATE INDEX blob_leases_key ON blob_leases (blob_key);

-- Every committed change notifies `packyard_changes`, so nodes that LISTEN apply it at once
-- instead of at their next poll (the poll stays as the fallback).
CREATE FUNCTION packyard_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('packyard_changes', NEW.seq::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER change_counter_notify AFTER UPDATE ON change_counter
    FOR EACH ROW EXECUTE FUNCTION packyard_notify_change();
