//! `advisory`, `package abandon|unabandon`, `version` and `notice` on the database. Input is checked by the
//! server's rules (`marks_input`), the same ones the admin API applies.

use anyhow::{Result, anyhow};
use packyard_api::marks::{AdvisoryList, NoticeList, RecallList};
use packyard_core::marks_input::{self, AdvisoryDraft};
use packyard_store::Db;
use serde_json::json;

use super::{CLI_ACTOR, emit};
use crate::args::{AdvisoryCmd, Global, NoticeCmd, VersionCmd};
use crate::context::open_db;
use crate::render::{self, views};

pub async fn advisory(g: &Global, cmd: AdvisoryCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        AdvisoryCmd::Add {
            package,
            affected,
            title,
            cve,
            link,
            severity,
            reported_at,
        } => {
            let checked = AdvisoryDraft {
                package,
                affected,
                title,
                cve,
                link,
                severity: severity.map(|s| s.as_str().to_string()),
                reported_at,
            }
            .check()
            .map_err(|why| anyhow!(why))?;
            let a = db.add_advisory(&checked.as_new(), CLI_ACTOR).await?;
            emit(
                g.json,
                serde_json::to_value(&a)?,
                format!("{} published for {}", a.advisory_id, a.package_name),
            );
        }
        AdvisoryCmd::List { package } => {
            let list = db.advisories(package.as_deref()).await?;
            let human = render::advisories(&AdvisoryList {
                advisories: views(list.clone()),
            });
            emit(g.json, json!({ "advisories": list }), human);
        }
        AdvisoryCmd::Withdraw { id } => {
            let a = db.withdraw_advisory(id.trim(), CLI_ACTOR).await?;
            emit(
                g.json,
                serde_json::to_value(&a)?,
                format!("{} withdrawn", a.advisory_id),
            );
        }
    }
    Ok(())
}

/// `package abandon NAME [--replacement OTHER]` (`abandon` = `Some(replacement)`) and
/// `package unabandon NAME` (`None`).
pub async fn abandoned(
    g: &Global,
    db: &Db,
    name: &str,
    abandon: Option<Option<String>>,
) -> Result<()> {
    let checked = |name: &str| marks_input::package_name(name).map_err(|why| anyhow!(why));
    let name = checked(name)?;
    let abandon = match abandon {
        Some(replacement) => Some(replacement.as_deref().map(checked).transpose()?),
        None => None,
    };
    let replacement = abandon.clone().flatten();
    db.set_abandoned(&name, abandon.as_ref().map(|r| r.as_deref()), CLI_ACTOR)
        .await?;
    let human = match (&abandon, &replacement) {
        (Some(_), Some(other)) => format!("{name} is abandoned; Composer suggests {other}"),
        (Some(_), None) => format!("{name} is abandoned"),
        (None, _) => format!("{name} is no longer abandoned"),
    };
    emit(
        g.json,
        json!({"name": name, "abandoned": abandon.is_some(), "replacement": replacement}),
        human,
    );
    Ok(())
}

pub async fn version(g: &Global, cmd: VersionCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        VersionCmd::Recall {
            name,
            version,
            reason,
        } => {
            let name = marks_input::package_name(&name).map_err(|why| anyhow!(why))?;
            let normalized = marks_input::recall(&version, &reason).map_err(|why| anyhow!(why))?;
            db.recall_version(&name, &normalized, reason.trim(), CLI_ACTOR)
                .await?;
            emit(
                g.json,
                json!({"name": name, "version": version, "recalled": true, "reason": reason.trim()}),
                format!("{name} {version} recalled"),
            );
        }
        VersionCmd::Unrecall { name, version } => {
            let name = marks_input::package_name(&name).map_err(|why| anyhow!(why))?;
            let normalized = packyard_composer::version::normalize(&version)?;
            db.unrecall_version(&name, &normalized, CLI_ACTOR).await?;
            emit(
                g.json,
                json!({"name": name, "version": version, "recalled": false}),
                format!("{name} {version} is installable again"),
            );
        }
        VersionCmd::Recalls { name } => {
            let list = db.recalls(name.as_deref()).await?;
            let human = render::recalls(&RecallList {
                recalls: views(list.clone()),
            });
            emit(g.json, json!({ "recalls": list }), human);
        }
    }
    Ok(())
}

pub async fn notice(g: &Global, cmd: NoticeCmd) -> Result<()> {
    let db = open_db(g).await?;
    match cmd {
        NoticeCmd::Set {
            message,
            kind,
            versions,
        } => {
            let versions =
                marks_input::notice(&message, versions.as_deref()).map_err(|why| anyhow!(why))?;
            db.set_notice(kind.as_str(), message.trim(), &versions, CLI_ACTOR)
                .await?;
            emit(
                g.json,
                json!({"kind": kind.as_str(), "message": message.trim(), "versions": versions}),
                format!("{} set", kind.as_str()),
            );
        }
        NoticeCmd::Clear { kind } => {
            let cleared = db.clear_notice(kind.map(|k| k.as_str()), CLI_ACTOR).await?;
            emit(
                g.json,
                json!({"cleared": cleared}),
                format!("{cleared} notice(s) cleared"),
            );
        }
        NoticeCmd::List => {
            let list = db.notices().await?;
            let human = render::notices(&NoticeList {
                notices: views(list.clone()),
            });
            emit(g.json, json!({ "notices": list }), human);
        }
    }
    Ok(())
}
