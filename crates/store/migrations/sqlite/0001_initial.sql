-- Every mutation bumps change_counter.seq in its own transaction; servers poll it to know
-- when to reload their in-memory snapshot (SPEC: changes visible on every node within 1 s).
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO change_counter (id, seq) VALUES (1, 0);

-- AUTOINCREMENT so that account numbers are never reused, even after the newest is deleted.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT UNIQUE,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at BIGINT NOT NULL,
    -- Unix milliseconds of the last entitlement change: part of Last-Modified for metadata.
    licences_changed_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE access_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    public_key TEXT NOT NULL UNIQUE,
    private_key_hash BLOB NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    last_used_ip TEXT
);
CREATE INDEX access_keys_account ON access_keys(account_id);

CREATE TABLE download_tokens (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
    token_hash BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    patterns TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE entitlements (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    product_id BIGINT NOT NULL REFERENCES products(id),
    updates_until TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, product_id)
);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    number TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    due_date TEXT NOT NULL,
    paid_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX invoices_account ON invoices(account_id);

CREATE TABLE packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    package_id BIGINT NOT NULL REFERENCES packages(id),
    version TEXT NOT NULL,
    version_normalized TEXT NOT NULL,
    manifest TEXT NOT NULL,
    released_at BIGINT NOT NULL,
    sha1 TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    blob_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    unlisted_at BIGINT,
    -- Unix milliseconds of the last publish/unlist/relist: drives Last-Modified of p2 files.
    changed_at BIGINT NOT NULL,
    UNIQUE (package_id, version_normalized)
);

CREATE TABLE downloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT,
    package TEXT NOT NULL,
    version TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX downloads_package ON downloads(package, at);

CREATE TABLE operators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE operator_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operator_id BIGINT NOT NULL REFERENCES operators(id),
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    ip TEXT
);
