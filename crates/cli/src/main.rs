//! The `packyard` command: the server and every operator action, on the same state a running
//! server uses (it sees each change within a second through the change feed). Human text by
//! default, one JSON document with `--json`; errors are one line on stderr and exit 1.

mod args;
mod backend;
mod commands;
mod context;
mod input;
mod render;

use clap::Parser;

/// mimalloc instead of glibc malloc: the hot path allocates small, short-lived buffers per
/// request on two or more threads, where glibc's arena consolidation showed up in profiles.
/// With the crate's `override` feature it also serves the C code's `malloc` (SQLite): at
/// start-up SQLite allocates every value it reads on its own thread and the workers free
/// them, and glibc's cross-thread frees were 30 % of a start-up at scale (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = args::Cli::parse();
    let json = args.global.json;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let result = runtime.block_on(commands::run(args));
    if let Err(e) = result {
        if json && e.downcast_ref::<context::Reported>().is_none() {
            println!("{}", serde_json::json!({ "error": format!("{e:#}") }));
        }
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
