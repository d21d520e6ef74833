-- SPEC §13: customers log in as users. A customer session now names the user
-- (principal_id = users.id) and the account they work on (account_id); sessions opened
-- before this named an account, so they end here (those customers log in again).
DELETE FROM sessions WHERE kind = 'customer';
CREATE INDEX sessions_account ON sessions(account_id);
