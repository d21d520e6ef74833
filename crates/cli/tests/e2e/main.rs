//! End-to-end tests: the real `packyard` binary serving on 127.0.0.1:0, driven by the real
//! `composer` client (Debian's package), `curl` and `php`, with SQLite and PostgreSQL.
//! Status and header checks that need no real client run in-process instead
//! (`crates/server/tests/http`). Tests that depend on the database run once per backend
//! (`backend_tests!`, named `name::sqlite` / `name::postgres`). One test binary keeps link time
//! down.

mod support;

mod admin_api;
mod advisories;
mod auth_rules;
mod backup;
mod bad_input;
mod cli;
mod cli_defects;
mod cli_operations;
mod composer_installs;
mod git_repos;
mod hardening_auth;
mod hardening_login;
mod leftovers;
mod licence_depth;
mod metrics;
mod mirroring;
mod one_command_tree;
mod operator_basics;
mod operator_tokens;
mod outage;
mod portal;
mod portal_design;
mod portal_mail;
mod portal_roles;
mod portal_security;
mod releases;
mod remote_cli;
mod revocations;
mod scale_out;
mod signals;
mod slowloris;
mod standing;
mod storage_gc;
mod systemd;
mod tls;
mod upload_memory;
