//! Operator pages that look back: the audit log, and install statistics from Composer's
//! notify-batch with one chart per package, drawn as inline SVG on the server (no script,
//! and the numbers are also in the page as text for screen readers).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use packyard_store::audit::AUDIT_SEARCH;
use packyard_store::downloads::DownloadCount;

use super::error::PortalResult;
use super::posted::Viewed;
use super::session::OperatorSession;
use super::views::{Layout, PageQuery, Pager, date, datetime};

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub ip: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_audit.html")]
pub struct AuditPage {
    l: Layout,
    q: String,
    entries: Vec<AuditRow>,
    pager: Pager,
}

pub async fn audit(
    Viewed(state, session): Viewed<OperatorSession>,
    Query(query): Query<PageQuery>,
) -> PortalResult<AuditPage> {
    let (entries, pager) = query.rows(&state, "/admin/audit", &AUDIT_SEARCH).await?;
    Ok(AuditPage {
        l: Layout::operator(&session, "Audit log", "audit"),
        q: query.q,
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                at: datetime(e.at),
                actor: e.actor,
                action: e.action,
                subject: e.subject,
                ip: e.ip.unwrap_or_default(),
            })
            .collect(),
        pager,
    })
}

/// Days shown in each chart.
pub const CHART_DAYS: i64 = 30;
const CHART_HEIGHT: i64 = 100;
const BAR_STEP: i64 = 20;

/// One day's bar, in SVG user units.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub height: i64,
    pub day: String,
    pub count: i64,
}

pub struct Chart {
    pub package: String,
    pub total: i64,
    pub max: i64,
    pub first_day: String,
    pub last_day: String,
    pub bars: Vec<Bar>,
}

/// Lays out daily counts (`(day number, count)`, any order) for the `CHART_DAYS` days ending
/// on `today` (a day number, unix seconds / 86400).
pub fn chart(package: &str, counts: &[(i64, i64)], today: i64) -> Chart {
    let first = today - CHART_DAYS + 1;
    let per_day: Vec<i64> = (first..=today)
        .map(|d| {
            counts
                .iter()
                .filter(|(day, _)| *day == d)
                .map(|(_, c)| c)
                .sum()
        })
        .collect();
    let max = per_day.iter().copied().max().unwrap_or(0).max(1);
    let bars = per_day
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let height = count * CHART_HEIGHT / max;
            Bar {
                x: i as i64 * BAR_STEP,
                y: CHART_HEIGHT - height,
                height,
                day: date((first + i as i64) * 86400),
                count,
            }
        })
        .collect();
    Chart {
        package: package.to_string(),
        total: per_day.iter().sum(),
        max,
        first_day: date(first * 86400),
        last_day: date(today * 86400),
        bars,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_stats.html")]
pub struct StatsPage {
    l: Layout,
    charts: Vec<Chart>,
    counts: Vec<DownloadCount>,
    days: i64,
}

pub async fn stats(Viewed(state, session): Viewed<OperatorSession>) -> PortalResult<StatsPage> {
    let today = state.config.clock.unix_secs() / 86400;
    let series = state
        .db
        .daily_downloads((today - CHART_DAYS + 1) * 86400)
        .await?;
    let mut charts: Vec<Chart> = Vec::new();
    let mut packages: Vec<&str> = series.iter().map(|d| d.package.as_str()).collect();
    packages.dedup();
    for package in packages {
        let counts: Vec<(i64, i64)> = series
            .iter()
            .filter(|d| d.package == package)
            .map(|d| (d.day, d.count))
            .collect();
        charts.push(chart(package, &counts, today));
    }
    Ok(StatsPage {
        l: Layout::operator(&session, "Download statistics", "stats"),
        charts,
        counts: state.db.download_counts().await?,
        days: CHART_DAYS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_busiest_day() {
        let today = 20_000;
        let c = chart(
            "acme/a",
            &[(today, 4), (today - 1, 2), (today - 40, 9)],
            today,
        );
        assert_eq!(c.bars.len(), CHART_DAYS as usize);
        assert_eq!(c.total, 6);
        assert_eq!(c.max, 4);
        let last = c.bars.last().unwrap();
        assert_eq!((last.count, last.height, last.y), (4, 100, 0));
        let before = &c.bars[c.bars.len() - 2];
        assert_eq!((before.count, before.height), (2, 50));
        assert_eq!(c.bars[0].height, 0);
    }
}
