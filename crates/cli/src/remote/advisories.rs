//! `advisory`, `package`, `version` and `notice` as admin API calls (`/api/v1/advisories`,
//! `/api/v1/packages/{package}/abandoned`, `…/versions/{version}/recall`, `/api/v1/notices`).

use anyhow::Result;
use packyard_api::marks::{AdvisoryView, NewAdvisoryBody, NoticeList};
use serde_json::{Value, json};

use super::client::{Client, list, package_path, segment, shown};
use crate::args::{AdvisoryCmd, NoticeCmd, VersionCmd};
use crate::render;

pub(super) fn advisory(c: &Client, cmd: AdvisoryCmd) -> Result<(Value, Option<String>)> {
    Ok(match cmd {
        AdvisoryCmd::Add {
            package,
            affected,
            title,
            cve,
            link,
            severity,
            reported_at,
        } => {
            let body = NewAdvisoryBody {
                package,
                affected_versions: affected,
                title,
                cve,
                link,
                severity: severity.map(|s| s.as_str().to_string()),
                reported_at,
            };
            let v: AdvisoryView = c.send("POST", "/api/v1/advisories", &body)?;
            let human = format!("{} published for {}", v.advisory_id, v.package_name);
            (serde_json::to_value(v)?, Some(human))
        }
        AdvisoryCmd::List { package } => list(
            c,
            ("/api/v1/advisories", "package"),
            package,
            render::advisories,
        )?,
        AdvisoryCmd::Withdraw { id } => {
            let path = format!("/api/v1/advisories/{}/withdraw", segment(id.trim()));
            (
                c.call("POST", &path, None)?,
                Some(format!("{id} withdrawn")),
            )
        }
    })
}

/// `package abandon` (`abandon` = `Some(replacement)`) and `package unabandon` (`None`).
pub(super) fn abandoned(
    c: &Client,
    name: &str,
    abandon: Option<Option<String>>,
) -> Result<(Value, Option<String>)> {
    let path = format!("{}/abandoned", package_path(name));
    Ok(match abandon {
        Some(replacement) => {
            let body = json!({ "replacement": replacement });
            (
                c.call("PUT", &path, Some(&body))?,
                Some(format!("{name} is abandoned")),
            )
        }
        None => (
            c.call("DELETE", &path, None)?,
            Some(format!("{name} is no longer abandoned")),
        ),
    })
}

pub(super) fn version(c: &Client, cmd: VersionCmd) -> Result<(Value, Option<String>)> {
    let recall_path = |name: &str, version: &str| {
        format!(
            "{}/versions/{}/recall",
            package_path(name),
            segment(version.trim())
        )
    };
    Ok(match cmd {
        VersionCmd::Recall {
            name,
            version,
            reason,
        } => {
            let body = json!({ "reason": reason });
            (
                c.call("POST", &recall_path(&name, &version), Some(&body))?,
                Some(format!("{name} {version} recalled")),
            )
        }
        VersionCmd::Unrecall { name, version } => (
            c.call("DELETE", &recall_path(&name, &version), None)?,
            Some(format!("{name} {version} is installable again")),
        ),
        VersionCmd::Recalls { name } => {
            list(c, ("/api/v1/recalls", "package"), name, render::recalls)?
        }
    })
}

pub(super) fn notice(c: &Client, cmd: NoticeCmd) -> Result<(Value, Option<String>)> {
    Ok(match cmd {
        NoticeCmd::Set {
            message,
            kind,
            versions,
        } => {
            let path = format!("/api/v1/notices/{}", kind.as_str());
            let body = json!({ "message": message, "versions": versions });
            (
                c.call("PUT", &path, Some(&body))?,
                Some(format!("{} set", kind.as_str())),
            )
        }
        NoticeCmd::Clear { kind } => {
            let kind = kind.map_or("all", |k| k.as_str());
            (
                c.call("DELETE", &format!("/api/v1/notices/{kind}"), None)?,
                Some(format!("{kind} cleared")),
            )
        }
        NoticeCmd::List => shown(c.get::<NoticeList>("/api/v1/notices")?, render::notices)?,
    })
}
