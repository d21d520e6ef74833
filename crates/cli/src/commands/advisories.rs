//! `advisory`, `version` and `notice` (SPEC §12), written once for both modes (see
//! `shared`); `package abandon|unabandon` are in `packages`.

use anyhow::Result;
use packyard_api::marks::{NewAdvisoryBody, NoticeBody};

use crate::args::{AdvisoryCmd, Global, NoticeCmd, VersionCmd};
use crate::backend::Backend;
use crate::context::show;
use crate::render::{self, print};

pub async fn advisory(g: &Global, backend: &Backend, cmd: AdvisoryCmd) -> Result<()> {
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
            let new = NewAdvisoryBody {
                package,
                affected,
                title,
                cve,
                link,
                severity: severity.map(|s| s.as_str().to_string()),
                reported_at,
            };
            let a = backend.add_advisory(new).await?;
            let human = format!("{} published for {}", a.advisory_id, a.package_name);
            print(g.json, &a, human)
        }
        AdvisoryCmd::List { package } => show(
            g.json,
            backend.advisories(package.as_deref()).await?,
            render::advisories,
        ),
        AdvisoryCmd::Withdraw { id } => {
            let a = backend.withdraw_advisory(&id).await?;
            print(g.json, &a, format!("{} withdrawn", a.advisory_id))
        }
    }
}

pub async fn version(g: &Global, backend: &Backend, cmd: VersionCmd) -> Result<()> {
    match cmd {
        VersionCmd::Recall {
            name,
            version,
            reason,
        } => {
            let recalls = backend.recall(&name, &version, &reason).await?;
            print(g.json, &recalls, format!("{name} {version} recalled"))
        }
        VersionCmd::Unrecall { name, version } => {
            let recalls = backend.unrecall(&name, &version).await?;
            let human = format!("{name} {version} is installable again");
            print(g.json, &recalls, human)
        }
        VersionCmd::Recalls { name } => show(
            g.json,
            backend.recalls(name.as_deref()).await?,
            render::recalls,
        ),
    }
}

pub async fn notice(g: &Global, backend: &Backend, cmd: NoticeCmd) -> Result<()> {
    match cmd {
        NoticeCmd::Set {
            message,
            kind,
            versions,
        } => {
            let body = NoticeBody { message, versions };
            let notices = backend.set_notice(kind.as_str(), body).await?;
            print(g.json, &notices, format!("{} set", kind.as_str()))
        }
        NoticeCmd::Clear { kind } => {
            let before = backend.notices().await?.notices.len();
            let after = backend.clear_notice(kind.map(|k| k.as_str())).await?;
            let cleared = before.saturating_sub(after.notices.len());
            print(g.json, &after, format!("{cleared} notice(s) cleared"))
        }
        NoticeCmd::List => show(g.json, backend.notices().await?, render::notices),
    }
}
