-- SPEC §13. People (users) with a role on each account they belong to; the primary contact
-- of every existing account becomes its first owner, with the same password.
CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'developer', 'billing')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, account_id)
);
CREATE INDEX memberships_account ON memberships(account_id);

-- Single-use links that let a user set a password; only the token's SHA-256 is kept.
CREATE TABLE password_links (
    token_hash BYTEA PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    expires_at BIGINT NOT NULL
);

INSERT INTO users (email, password_hash, created_at)
    SELECT email, password_hash, created_at FROM accounts ORDER BY id;
INSERT INTO memberships (user_id, account_id, role, created_at)
    SELECT u.id, a.id, 'owner', a.created_at FROM accounts a JOIN users u ON u.email = a.email;

-- The session of a customer now names the user and the account they are working on.
ALTER TABLE sessions ADD COLUMN account_id BIGINT;
UPDATE sessions SET account_id = principal_id,
    principal_id = (SELECT u.id FROM users u JOIN accounts a ON a.email = u.email WHERE a.id = sessions.principal_id)
    WHERE kind = 'customer';

-- Licences limited to a Composer version constraint.
ALTER TABLE entitlements ADD COLUMN versions TEXT;

-- Keys: either an account's (account_id) or a user's personal key (user_id), optionally
-- limited to some of the account's products, and who created them.
ALTER TABLE access_keys ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE access_keys ADD COLUMN user_id BIGINT REFERENCES users(id);
ALTER TABLE access_keys ADD COLUMN created_by TEXT;
ALTER TABLE access_keys ADD CONSTRAINT access_keys_owner CHECK ((account_id IS NULL) <> (user_id IS NULL));
CREATE INDEX access_keys_user ON access_keys(user_id);

CREATE TABLE access_key_products (
    key_id BIGINT NOT NULL REFERENCES access_keys(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    PRIMARY KEY (key_id, product_id)
);
