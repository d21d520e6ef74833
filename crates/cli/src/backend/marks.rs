//! Advisories, abandoned packages, recalled versions and notices (SPEC §12), in both modes.
//! Input is checked by the rules the admin API applies (`packyard_core::marks_input`);
//! remotely the server checks it and answers why.

use anyhow::{Result, anyhow};
use packyard_api::marks::{
    AbandonBody, AbandonedView, AdvisoryList, AdvisoryView, NewAdvisoryBody, NoticeBody,
    NoticeList, RecallBody, RecallList,
};
use packyard_core::marks_input;

use super::client::{package_path, segment};
use super::handles::{Backend, Local, answer, get, post, send};
use crate::context::CLI_ACTOR;

/// `base`, narrowed to one package when given.
fn of_package(base: &str, package: Option<&str>) -> String {
    match package {
        Some(p) => format!("{base}?package={}", segment(p)),
        None => base.to_string(),
    }
}

fn recall_path(name: &str, version: &str) -> String {
    let version = segment(version.trim());
    format!("{}/versions/{version}/recall", package_path(name))
}

fn checked_name(name: &str) -> Result<String> {
    marks_input::package_name(name).map_err(|why| anyhow!(why))
}

async fn local_recalls(l: &Local, package: Option<&str>) -> Result<RecallList> {
    Ok(RecallList {
        recalls: l.db.recalls(package).await?,
    })
}

async fn local_notices(l: &Local) -> Result<NoticeList> {
    Ok(NoticeList {
        notices: l.db.notices().await?,
    })
}

impl Backend {
    pub async fn advisories(&self, package: Option<&str>) -> Result<AdvisoryList> {
        match self {
            Backend::Local(l) => Ok(AdvisoryList {
                advisories: l.db.advisories(package).await?,
            }),
            Backend::Remote(c) => get(c, &of_package("/api/v1/advisories", package)),
        }
    }

    pub async fn add_advisory(&self, new: NewAdvisoryBody) -> Result<AdvisoryView> {
        match self {
            Backend::Local(l) => {
                let checked = new.check().map_err(|why| anyhow!(why))?;
                Ok(l.db.add_advisory(&checked.as_new(), CLI_ACTOR).await?)
            }
            Backend::Remote(c) => send(c, "POST", "/api/v1/advisories", &new),
        }
    }

    pub async fn withdraw_advisory(&self, id: &str) -> Result<AdvisoryView> {
        let id = id.trim();
        match self {
            Backend::Local(l) => Ok(l.db.withdraw_advisory(id, CLI_ACTOR).await?),
            Backend::Remote(c) => post(c, &format!("/api/v1/advisories/{}/withdraw", segment(id))),
        }
    }

    /// Marks a package abandoned (`abandon` = `Some(replacement)`) or takes the mark off
    /// (`None`).
    pub async fn set_abandoned(
        &self,
        name: &str,
        abandon: Option<Option<String>>,
    ) -> Result<AbandonedView> {
        match self {
            Backend::Local(l) => {
                let name = checked_name(name)?;
                let abandon = match abandon {
                    Some(replacement) => {
                        Some(replacement.as_deref().map(checked_name).transpose()?)
                    }
                    None => None,
                };
                let mark = abandon.as_ref().map(|r| r.as_deref());
                l.db.set_abandoned(&name, mark, CLI_ACTOR).await?;
                Ok(AbandonedView {
                    name,
                    abandoned: abandon.is_some(),
                    replacement: abandon.flatten(),
                })
            }
            Backend::Remote(c) => {
                let path = format!("{}/abandoned", package_path(name));
                match abandon {
                    Some(replacement) => send(c, "PUT", &path, &AbandonBody { replacement }),
                    None => answer(c, "DELETE", &path),
                }
            }
        }
    }

    pub async fn recalls(&self, package: Option<&str>) -> Result<RecallList> {
        match self {
            Backend::Local(l) => local_recalls(l, package).await,
            Backend::Remote(c) => get(c, &of_package("/api/v1/recalls", package)),
        }
    }

    /// Recalls a version; answers the package's recalls.
    pub async fn recall(&self, name: &str, version: &str, reason: &str) -> Result<RecallList> {
        match self {
            Backend::Local(l) => {
                let name = checked_name(name)?;
                let normalized =
                    marks_input::recall(version, reason).map_err(|why| anyhow!(why))?;
                l.db.recall_version(&name, &normalized, reason.trim(), CLI_ACTOR)
                    .await?;
                local_recalls(l, Some(&name)).await
            }
            Backend::Remote(c) => {
                let body = RecallBody {
                    reason: reason.into(),
                };
                send(c, "POST", &recall_path(name, version), &body)
            }
        }
    }

    /// Undoes a recall; answers the package's recalls.
    pub async fn unrecall(&self, name: &str, version: &str) -> Result<RecallList> {
        match self {
            Backend::Local(l) => {
                let name = checked_name(name)?;
                let normalized = packyard_composer::version::normalize(version)?;
                l.db.unrecall_version(&name, &normalized, CLI_ACTOR).await?;
                local_recalls(l, Some(&name)).await
            }
            Backend::Remote(c) => answer(c, "DELETE", &recall_path(name, version)),
        }
    }

    pub async fn notices(&self) -> Result<NoticeList> {
        match self {
            Backend::Local(l) => local_notices(l).await,
            Backend::Remote(c) => get(c, "/api/v1/notices"),
        }
    }

    /// Sets the `kind` notice; answers the notices in force.
    pub async fn set_notice(&self, kind: &str, notice: NoticeBody) -> Result<NoticeList> {
        match self {
            Backend::Local(l) => {
                let versions = marks_input::notice(&notice.message, notice.versions.as_deref())
                    .map_err(|why| anyhow!(why))?;
                l.db.set_notice(kind, notice.message.trim(), &versions, CLI_ACTOR)
                    .await?;
                local_notices(l).await
            }
            Backend::Remote(c) => send(c, "PUT", &format!("/api/v1/notices/{kind}"), &notice),
        }
    }

    /// Clears the `kind` notice (both when `None`); answers the notices in force.
    pub async fn clear_notice(&self, kind: Option<&str>) -> Result<NoticeList> {
        match self {
            Backend::Local(l) => {
                l.db.clear_notice(kind, CLI_ACTOR).await?;
                local_notices(l).await
            }
            Backend::Remote(c) => {
                let path = format!("/api/v1/notices/{}", kind.unwrap_or("all"));
                answer(c, "DELETE", &path)
            }
        }
    }
}
