//! The announced wire formats checked against Composer's own parsing rules (read from
//! composer/composer: `ComposerRepository::loadRootServerFile`, `PartialSecurityAdvisory::create`,
//! `ComposerRepositoryFilterInformation::fromData`, `FilterListEntryBuilder::build`,
//! `PolicyConfig`'s reserved names). Debian's Composer 2.5.5, which the end-to-end tests
//! drive, predates 2.9's blocking and 2.10's filter lists, so these formats are proven here.

use chrono::NaiveDate;
use packyard_composer::constraint::{VersionConstraint, parse};
use packyard_composer::version::normalize;
use packyard_store::advisories::Advisory;
use packyard_store::package_marks::Notice;
use serde_json::{Map, Value, json};

use super::{p2_marks, root_extras};
use crate::marks::{Abandoned, PackageMarks, RECALL_LIST, RecalledVersion, advisory_entry};

/// `PolicyConfig::RESERVED_NAMES`, `FUTURE_RESERVED_NAMES` and `FUTURE_RESERVED_PREFIXES`
/// (with `malware`, a built-in list): names a repository's list may not take.
const RESERVED: &[&str] = &[
    "advisories",
    "abandoned",
    "malware",
    "package",
    "packages",
    "license",
    "licence",
    "licenses",
    "licences",
    "support",
    "maintenance",
    "security",
    "minimum-release-age",
];

/// Does `version` (as written) satisfy `constraint`, as Composer decides?
fn holds(constraint: &VersionConstraint, version: &str) -> bool {
    constraint.matches(&normalize(version).unwrap())
}

fn notice(kind: &str, message: &str, versions: &str) -> Notice {
    Notice {
        kind: kind.into(),
        message: message.into(),
        versions: versions.into(),
        set_at: 0,
    }
}

fn marks() -> PackageMarks {
    let advisory = Advisory {
        package_id: 1,
        advisory_id: "PKSA-2026-0001".into(),
        package_name: "acme/hello".into(),
        affected_versions: ">=1.0,<1.4.2".into(),
        title: "Greeting is too friendly".into(),
        link: Some("https://vendor.test/a/1".into()),
        cve: Some("CVE-2099-0001".into()),
        severity: Some("high".into()),
        reported_at: 1_767_268_800,
        updated_at: 1_767_268_800,
        withdrawn_at: None,
    };
    PackageMarks {
        abandoned: Some(Abandoned::For("acme/hola".into())),
        advisories: vec![advisory_entry(advisory)],
        recalled: vec![RecalledVersion {
            version: "1.3.0".into(),
            version_normalized: "1.3.0.0".into(),
            released_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            reason: "deletes the cart".into(),
        }],
        summary: Default::default(),
    }
}

#[test]
fn root_announces_advisories_filter_lists_discovery_and_notices() {
    let mut doc = json!({"packages": []});
    let notices = [
        notice("warning", "maintenance tonight", ">=2.0"),
        notice("info", "new docs", "*"),
    ];
    assert!(root_extras(&mut doc, "https://repo.test/x", &notices));

    // 2.5.5 takes api-url as it is: it must be absolute.
    let advisories = &doc["security-advisories"];
    assert_eq!(advisories["metadata"], true);
    assert_eq!(
        advisories["api-url"],
        "https://repo.test/x/security-advisories"
    );

    // fromData keeps lists whose config has enabled=true and whose name is not reserved;
    // without summary-url and api-url, entries are read from the p2 files (metadata=true).
    let filter = &doc["filter"];
    assert_eq!(filter["metadata"], true);
    let lists = filter["lists"].as_object().unwrap();
    assert_eq!(lists.len(), 1);
    for (name, config) in lists {
        assert_eq!(name, RECALL_LIST);
        assert_eq!(config["enabled"], true);
        assert!(!RESERVED.contains(&name.as_str()) && !name.starts_with("ignore"));
    }
    assert!(filter.get("summary-url").is_none() && filter.get("api-url").is_none());

    assert_eq!(doc["list"], "https://repo.test/x/packages/list.json");
    let search = doc["search"].as_str().unwrap();
    assert!(
        search.contains("%query%") && search.contains("%type%"),
        "{search}"
    );
    assert!(doc["providers-api"].as_str().unwrap().contains("%package%"));

    // Composer ≥ 2.2 requires `versions` and prints a message when its version matches.
    for (key, message) in [("warnings", "maintenance tonight"), ("infos", "new docs")] {
        let list = doc[key].as_array().unwrap();
        assert_eq!(list.len(), 1, "{key}");
        assert_eq!(list[0]["message"], message);
        let versions = parse(list[0]["versions"].as_str().unwrap()).unwrap();
        assert!(holds(&versions, "2.10.0"), "{key} reaches Composer 2.10");
    }

    let mut quiet = json!({});
    assert!(!root_extras(&mut quiet, "http://h", &[]));
    assert!(quiet.get("infos").is_none() && quiet.get("warnings").is_none());
}

#[test]
fn p2_advisories_are_partial_entries_composer_2_9_blocks_on() {
    let mut doc = Map::new();
    p2_marks(&mut doc, &marks());
    let entries = doc["security-advisories"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    // PartialSecurityAdvisory::create needs advisoryId and a parsable affectedVersions; the
    // update blocks versions the constraint matches.
    assert_eq!(entries[0]["advisoryId"], "PKSA-2026-0001");
    let affected = parse(entries[0]["affectedVersions"].as_str().unwrap()).unwrap();
    assert!(holds(&affected, "1.4.1") && !holds(&affected, "1.4.2"));

    let mut empty = Map::new();
    p2_marks(&mut empty, &PackageMarks::default());
    assert_eq!(empty["security-advisories"], json!([]), "always present");
    assert!(empty.get("filter").is_none());
}

#[test]
fn full_advisories_carry_what_composer_audit_prints() {
    let marks = marks();
    let full: Value = serde_json::from_str(&marks.advisories[0].full).unwrap();
    // A SecurityAdvisory (not a partial one) needs title, sources and reportedAt.
    assert_eq!(full["title"], "Greeting is too friendly");
    assert_eq!(full["packageName"], "acme/hello");
    assert_eq!(full["cve"], "CVE-2099-0001");
    assert_eq!(full["link"], "https://vendor.test/a/1");
    assert_eq!(full["severity"], "high");
    assert_eq!(full["reportedAt"], "2026-01-01 12:00:00");
    let sources = full["sources"].as_array().unwrap();
    assert_eq!(sources[0]["remoteId"], "PKSA-2026-0001");
    assert!(sources[0]["name"].is_string());
}

#[test]
fn p2_filter_entries_parse_as_filter_list_entries() {
    let mut doc = Map::new();
    p2_marks(&mut doc, &marks());
    let lists = doc["filter"].as_object().unwrap();
    let entries = lists[RECALL_LIST].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    // FilterListEntryBuilder skips entries without `constraint`; in a p2 file the package
    // is implicit. The constraint must match the recalled version and nothing else.
    let constraint = parse(entries[0]["constraint"].as_str().unwrap()).unwrap();
    assert!(holds(&constraint, "1.3.0") && !holds(&constraint, "1.3.1"));
    assert_eq!(entries[0]["reason"], "deletes the cart");
    assert!(entries[0]["id"].is_string());
    assert!(entries[0].get("package").is_none());
}

#[test]
fn abandoned_is_true_or_the_replacement() {
    assert_eq!(Abandoned::Yes.to_json(), json!(true));
    assert_eq!(
        Abandoned::For("acme/hola".into()).to_json(),
        json!("acme/hola")
    );
}
