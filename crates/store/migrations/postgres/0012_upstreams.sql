-- Upstream Composer repositories mirrored through ours (SPEC §15).
-- packages: comma-separated name patterns the upstream may provide ('' = every name).
-- auth_kind 'none' | 'basic' | 'bearer'; secret = 12-byte nonce || ChaCha20-Poly1305
-- ciphertext of the password or token under the operator's secrets key (never plaintext).
-- last_error / last_error_at: the latest failed call, shown to operators; cleared by success.
CREATE TABLE upstreams (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    priority BIGINT NOT NULL DEFAULT 0,
    packages TEXT NOT NULL DEFAULT '',
    auth_kind TEXT NOT NULL DEFAULT 'none',
    username TEXT,
    secret BYTEA,
    created_at BIGINT NOT NULL,
    last_error TEXT,
    last_error_at BIGINT
);

-- Upstream metadata files as received ('vendor/name' or 'vendor/name~dev'); an empty body
-- means the upstream answered that it has no such package. Kept so that an outage, a
-- restart or another node still answers from what was fetched once.
CREATE TABLE upstream_metadata (
    upstream_id BIGINT NOT NULL REFERENCES upstreams(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    body TEXT NOT NULL,
    last_modified TEXT,
    etag TEXT,
    fetched_at BIGINT NOT NULL,
    PRIMARY KEY (upstream_id, file)
);

-- Dists fetched from an upstream, by the identity our metadata gave them; the bytes live in
-- the blob store under blob_key and are served from there for ever, even once the version
-- is gone upstream (released_at keeps its licence date).
CREATE TABLE upstream_dists (
    upstream_id BIGINT NOT NULL REFERENCES upstreams(id) ON DELETE CASCADE,
    package TEXT NOT NULL,
    version_normalized TEXT NOT NULL,
    reference TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    size BIGINT NOT NULL,
    blob_key TEXT NOT NULL,
    released_at BIGINT NOT NULL,
    stored_at BIGINT NOT NULL,
    PRIMARY KEY (upstream_id, package, version_normalized, reference)
);
