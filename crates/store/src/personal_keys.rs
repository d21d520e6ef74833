//! Personal keys (SPEC §13): a key pair that belongs to a user, not an account. It sees the
//! union of what every account of the user may install; the server applies each account's
//! status, hold and licences to that account's products only. Creating or changing one
//! reloads every server's picture (an `All` change): they are rare.

use crate::audit::split_actor;
use crate::db::{Db, now};
use crate::error::{Result, conflict_on_unique};
use crate::keys::{AccessKey, COLUMNS, CreatedKey, NewKey, pair_for, validate_key_name};
use crate::macros::{audited_change, exec, on_db};
use crate::users::User;

impl Db {
    /// Creates a personal key for `user`.
    pub async fn create_personal_key(
        &self,
        user: &User,
        name: &str,
        actor: &str,
    ) -> Result<CreatedKey> {
        let name = validate_key_name(name)?;
        let (public_key, private_key) = pair_for(&NewKey::default())?;
        let subject = format!("{} {public_key} ({name})", user.email);
        audited_change!(self, All, 0i64, actor, "key.create_personal", subject, tx => {
            exec!(
                tx,
                "INSERT INTO access_keys (user_id, name, public_key, private_key_hash, enabled, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, $6)",
                user.id, name, &public_key, crate::secret::sha256(&private_key), now(), split_actor(actor).0
            )
            .map_err(|e| conflict_on_unique(e, "that public key exists already"))?;
        });
        Ok(CreatedKey {
            public_key,
            private_key,
            name: name.to_string(),
        })
    }

    /// A user's personal keys, oldest first.
    pub async fn personal_keys_of(&self, user: &User) -> Result<Vec<AccessKey>> {
        let sql = format!("SELECT {COLUMNS} FROM access_keys WHERE user_id = $1 ORDER BY id");
        Ok(
            on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user.id).fetch_all(pool).await?),
        )
    }
}
