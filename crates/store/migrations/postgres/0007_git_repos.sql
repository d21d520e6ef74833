-- Git repositories whose tags and branches become package versions (SPEC §11).
-- hook_key: SHA-256 of the webhook secret. Secrets are longer than the 64-byte HMAC block, so
-- HMAC-SHA256 itself keys with SHA-256(secret): this digest verifies GitHub/Gitea/Bitbucket
-- signatures and GitLab tokens alike, and the secret itself is never stored.
-- sync_requested / sync_served: a queued sync is pending while requested > served.
-- lease_owner / lease_until: one sync at a time per repository across all nodes.
CREATE TABLE git_repos (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL UNIQUE,
    hook_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    last_sync_at BIGINT,
    last_sync_error TEXT,
    last_sync_summary TEXT,
    sync_requested BIGINT NOT NULL DEFAULT 0,
    sync_served BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0
);

-- What the last sync saw for each ref: state 'published' (version built from commit),
-- 'skipped' (reason says why), or 'conflict' (a published tag moved or was deleted upstream:
-- upstream_commit is where it points now, empty when deleted; the first archive stays).
CREATE TABLE git_refs (
    repo_id BIGINT NOT NULL REFERENCES git_repos(id) ON DELETE CASCADE,
    ref_name TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    upstream_commit TEXT NOT NULL,
    state TEXT NOT NULL,
    package TEXT,
    version TEXT,
    reason TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (repo_id, ref_name)
);
