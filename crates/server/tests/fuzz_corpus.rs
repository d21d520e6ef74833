//! Every input of the committed fuzz corpora (`fuzz/corpus/<target>/`), run on the stable
//! toolchain through the same checks the fuzz targets run, so that a crash once found
//! (and kept as a corpus file) stays fixed.

use std::path::PathBuf;

mod fuzz_checks;

fn run_corpus(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{target}: {} breaks a property",
            path.display()
        );
        count += 1;
    }
    assert!(count > 0, "the {target} corpus is empty");
}

/// One test per fuzz target, named after it, running that target's corpus.
macro_rules! corpus_tests {
    ($($target:ident),*) => {$(
        #[test]
        fn $target() {
            run_corpus(stringify!($target), fuzz_checks::$target);
        }
    )*};
}

corpus_tests!(authorization, version, zip, range);
