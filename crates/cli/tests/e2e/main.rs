//! End-to-end tests: the real `packyard` binary serving on 127.0.0.1:0, driven by the real
//! `composer` client (Debian's package), `curl` and `php`, with SQLite and PostgreSQL.
//! One test binary keeps link time down.

mod support;

mod admin_api;
mod auth_rules;
mod backup;
mod bad_input;
mod cli;
mod cli_operations;
mod composer_installs;
mod metadata;
mod operator_tokens;
mod portal;
mod portal_security;
mod releases;
mod remote_cli;
mod systemd;
mod tls;
