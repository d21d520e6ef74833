//! The licence rule's cases: dates inclusive, constraints as Composer reads them, unions.

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn terms(until: Option<&str>, versions: Option<&str>) -> Terms {
    Terms {
        until: until.map(d),
        versions: versions.map(|v| Arc::new(v.parse().unwrap())),
    }
}

#[test]
fn public_products_are_unlimited_and_grants_combine_to_the_widest() {
    let jan = terms(Some("2024-01-31"), None);
    assert_eq!(
        product_licence(true, Some(&Licence::new(jan.clone()))),
        Some(Licence::unlimited_ref())
    );
    assert_eq!(product_licence(false, None), None);
    let mar = Licence::new(terms(Some("2024-03-31"), None));
    assert_eq!(
        combined([Some(&Licence::new(jan.clone())), None, Some(&mar)]).map(Cow::into_owned),
        Some(mar.clone())
    );
    assert_eq!(
        combined([Some(&Licence::new(jan)), Some(Licence::unlimited_ref())]).map(Cow::into_owned),
        Some(Licence::unlimited())
    );
    assert_eq!(combined([None, None]), None);
}

#[test]
fn one_grant_is_lent_as_it_is_and_several_combine_as_owned() {
    let jan = Licence::new(terms(Some("2024-01-31"), None));
    let mar = Licence::new(terms(Some("2024-03-31"), None));
    let lent = combined([None, Some(&jan), None]).unwrap();
    assert!(matches!(&lent, Cow::Borrowed(l) if Arc::ptr_eq(&l.0, &jan.0)));
    let both = combined([Some(&jan), Some(&mar)]).unwrap();
    assert!(matches!(both, Cow::Owned(_)));
    assert_eq!(both.into_owned(), jan.union(&mar));
}

#[test]
fn dates_are_inclusive_and_constraints_match_as_composer_does() {
    let l = Licence::new(terms(Some("2024-01-31"), Some("<3.0")));
    assert_eq!(l.admits(d("2024-01-31"), "2.9.0.0"), Ok(()));
    assert_eq!(
        l.admits(d("2024-02-01"), "2.9.0.0"),
        Err(Refusal::TooNew {
            until: d("2024-01-31")
        })
    );
    assert_eq!(
        l.admits(d("2020-01-01"), "3.0.0.0"),
        Err(Refusal::OutsideVersions {
            versions: "<3.0".into()
        })
    );
    assert_eq!(
        may_install(None, d("2020-01-01"), "1.0.0.0"),
        Err(Refusal::NotLicensed)
    );

    // A union admits what either grant admits.
    let both = l.union(&Licence::new(terms(None, Some("^3.0"))));
    assert_eq!(both.admits(d("2030-01-01"), "3.1.0.0"), Ok(()));
    assert_eq!(both.admits(d("2020-01-01"), "2.0.0.0"), Ok(()));
    assert!(both.admits(d("2030-01-01"), "4.0.0.0").is_err());
}

#[test]
fn terms_read_in_words() {
    assert_eq!(
        terms(Some("2027-03-31"), Some("^2.0")).in_words(),
        "2.x releases until 2027-03-31"
    );
    assert_eq!(terms(None, Some(">=2.0 <3.0")).in_words(), "2.x releases");
    assert_eq!(terms(None, Some("<3.0")).in_words(), "versions <3.0");
    assert_eq!(
        terms(Some("2025-01-31"), None).in_words(),
        "releases up to 2025-01-31"
    );
    assert_eq!(Terms::unlimited().in_words(), "all releases");
}
