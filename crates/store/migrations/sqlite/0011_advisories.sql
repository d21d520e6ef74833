-- Security advisories, abandoned packages, recalled versions and operator notices (SPEC §12).
-- packages.marks_changed_at: unix millis of the last advisory, abandon or recall change of a
-- package; it only grows, so a p2 file's Last-Modified never goes back when a mark is removed.
ALTER TABLE packages ADD COLUMN abandoned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE packages ADD COLUMN replacement TEXT;
ALTER TABLE packages ADD COLUMN marks_changed_at BIGINT NOT NULL DEFAULT 0;

-- advisory_id: PKSA-YYYY-NNNN, numbered per year of reporting. Withdrawn advisories stay (ids
-- are never reused) but are served to nobody. updated_at feeds the api's updatedSince.
CREATE TABLE advisories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    advisory_id TEXT NOT NULL UNIQUE,
    package_id BIGINT NOT NULL REFERENCES packages(id),
    affected_versions TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    cve TEXT,
    severity TEXT,
    reported_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    withdrawn_at BIGINT
);
CREATE INDEX advisories_package ON advisories (package_id);

-- A recalled version leaves every account's metadata and its dist answers 410 with reason;
-- deleting the row undoes the recall.
CREATE TABLE recalls (
    version_id BIGINT PRIMARY KEY REFERENCES versions(id),
    reason TEXT NOT NULL,
    recalled_at BIGINT NOT NULL
);

-- Messages in the root packages.json: kind 'info' or 'warning', for Composer versions
-- matching the constraint in versions.
CREATE TABLE notices (
    kind TEXT PRIMARY KEY,
    message TEXT NOT NULL,
    versions TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
