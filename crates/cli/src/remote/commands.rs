//! Each CLI subcommand as admin API calls: the dispatch, repositories and operators here;
//! customers and the catalog in their own modules.

use anyhow::{Result, bail};
use packyard_api::operators::{
    CreatedTokenView, NewToken, OperatorList, OperatorPassword, OperatorView,
};
use packyard_api::repos::{NewRepo, RepoList, RepoView};
use serde_json::{Value, json};

use super::client::{Client, list, segment, shown, switch};
use super::{advisories, packages};
use crate::args::{Command, OperatorCmd, OperatorTokenCmd, RepoCmd};
use crate::context::{read_new_password, read_password_stdin};
use crate::render;

/// The API call(s) for one command: the answer and, when there is one, its human text.
pub fn request(c: &Client, command: Command) -> Result<(Value, Option<String>)> {
    Ok(match command {
        Command::Package(cmd) => packages::package(c, cmd)?,
        Command::Operator(cmd) => operator(c, cmd)?,
        Command::Repo(args) => repo(c, args.cmd)?,
        Command::Advisory(cmd) => advisories::advisory(c, cmd)?,
        Command::Version(cmd) => advisories::version(c, cmd)?,
        Command::Notice(cmd) => advisories::notice(c, cmd)?,
        Command::Upstream(cmd) => super::upstreams::upstream(c, cmd)?,
        // `commands::shared` runs the commands written once before remote mode is chosen;
        // what is left here needs the data directory.
        _ => bail!("this command works on the data directory only; run it without --server"),
    })
}

/// `repo …` through `/api/v1/repos`; `sync --all` queues each repository in turn.
fn repo(c: &Client, cmd: RepoCmd) -> Result<(Value, Option<String>)> {
    let sync = |id: i64| c.call("POST", &format!("/api/v1/repos/{id}/sync"), None);
    Ok(match cmd {
        RepoCmd::Add {
            url,
            name,
            secret_stdin,
        } => {
            let secret = secret_stdin.then(read_password_stdin).transpose()?;
            let body = NewRepo { url, name, secret };
            shown(
                c.send::<RepoView>("POST", "/api/v1/repos", &body)?,
                render::repo_added,
            )?
        }
        RepoCmd::List => {
            let listed: RepoList = c.get("/api/v1/repos")?;
            let human: Vec<String> = listed.repos.iter().map(render::repo_line).collect();
            (serde_json::to_value(listed)?, Some(human.join("\n")))
        }
        RepoCmd::Show { id } => shown(
            c.get::<RepoView>(&format!("/api/v1/repos/{id}"))?,
            render::repo,
        )?,
        RepoCmd::Remove { id } => {
            c.call("DELETE", &format!("/api/v1/repos/{id}"), None)?;
            (json!({ "removed": id }), Some(render::repo_removed(id)))
        }
        RepoCmd::Sync { id: Some(id), .. } => {
            (sync(id)?, Some(format!("sync of repository {id} queued")))
        }
        RepoCmd::Sync { id: None, .. } => {
            let listed: RepoList = c.get("/api/v1/repos")?;
            let ids: Vec<i64> = listed.repos.iter().map(|r| r.id).collect();
            for id in &ids {
                sync(*id)?;
            }
            let human = format!("sync of {} repositories queued", ids.len());
            (json!({ "queued": ids }), Some(human))
        }
    })
}

fn operator(c: &Client, cmd: OperatorCmd) -> Result<(Value, Option<String>)> {
    let path = |email: &str| format!("/api/v1/operators/{}", segment(email));
    Ok(match cmd {
        OperatorCmd::Create { email, .. } => {
            let body = json!({ "email": email, "password": read_password_stdin()? });
            (
                c.call("POST", "/api/v1/operators", Some(&body))?,
                Some(format!("operator {email} created")),
            )
        }
        OperatorCmd::List => shown(
            c.get::<OperatorList>("/api/v1/operators")?,
            render::operators,
        )?,
        OperatorCmd::Disable { email } => {
            switch(c, &path(&email), &format!("operator {email}"), false)?
        }
        OperatorCmd::Enable { email } => {
            switch(c, &path(&email), &format!("operator {email}"), true)?
        }
        OperatorCmd::SetPassword { email, .. } => {
            let body = OperatorPassword {
                password: read_new_password()?,
            };
            let path = format!("{}/password", path(&email));
            let changed: OperatorView = c.send("PUT", &path, &body)?;
            let human = format!("password of operator {} set", changed.email);
            (json!({ "email": changed.email }), Some(human))
        }
        OperatorCmd::Token(OperatorTokenCmd::Create { email, name, scope }) => {
            let body = NewToken {
                email,
                name,
                scope: Some(scope),
            };
            let created: CreatedTokenView = c.send("POST", "/api/v1/operator-tokens", &body)?;
            let token = created.token.clone();
            (serde_json::to_value(created)?, Some(token))
        }
        OperatorCmd::Token(OperatorTokenCmd::List { email }) => list(
            c,
            ("/api/v1/operator-tokens", "email"),
            email,
            render::tokens,
        )?,
        OperatorCmd::Token(OperatorTokenCmd::Revoke { id }) => (
            c.call("DELETE", &format!("/api/v1/operator-tokens/{id}"), None)?,
            Some(format!("token {id} revoked")),
        ),
    })
}
