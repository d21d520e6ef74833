//! In-process HTTP tests: the server library on `127.0.0.1:0` in the test's own runtime,
//! driven over real TCP. Status codes and headers (401/403/404/304/416, `WWW-Authenticate`,
//! `Content-Type`, `Last-Modified`, `Range`) are checked here, on both backends; the
//! Composer-driven protocol tests stay in `crates/cli/tests/e2e`. One binary keeps link time
//! down.

mod support;

mod admin_people;
mod admin_upload;
mod api_errors;
mod auth;
mod compression;
mod crafted_zips;
mod downloads;
mod expiry;
mod hardening_auth;
mod hot_lane;
mod licence_depth;
mod metadata;
mod notify;
mod openapi;
mod releases;
mod standing;
