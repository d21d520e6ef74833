-- Password resets by mail: the link carries a random token; only its SHA-256 is stored, so a
-- copy of the database cannot reset anyone's password. A reset is keyed by the login email
-- (the identity that logs in), valid until `expires_at` and usable once (`used_at`).
CREATE TABLE password_resets (
    token_hash BYTEA PRIMARY KEY,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_email ON password_resets(email);

-- Notices sent by mail (an overdue invoice, a licence whose updates end soon), once each.
-- The row is the claim: the node whose INSERT wins sends the mail, so several nodes never send
-- the same notice twice. `sent_at` stays NULL until the mail went out; a claim left unsent by a
-- crashed node may be taken over after a while.
CREATE TABLE mail_notices (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (kind, subject)
);
