-- Void invoices (issue 22): an invoice entered by mistake is voided with a reason instead of
-- being recorded as paid. A void invoice never holds an account and stays listed as void.
ALTER TABLE invoices ADD COLUMN voided_at BIGINT;
ALTER TABLE invoices ADD COLUMN void_reason TEXT;

-- What a running server records for the CLI: its public URL (for the webhook URLs that
-- `repo add` prints) and its billing grace period (for the standing `account show` prints).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Who published each version (an operator's email, "cli", or a repository sync), for
-- `packyard package show`. Versions published before this migration show no publisher.
ALTER TABLE versions ADD COLUMN published_by TEXT;
