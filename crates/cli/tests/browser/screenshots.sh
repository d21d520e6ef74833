#!/usr/bin/env bash
# Regenerates docs/screenshots/: every portal page (customer and operator side, including the
# Users page with a set-password link, a personal key, the account switcher, the 403 page of
# a page outside the user's role, the operator's explain form and the Upstreams page with
# one upstream) at 1280 and 390 px, from
# the same scenario as the accessibility test (`every_portal_page_passes_axe_and_fits_a_phone`
# in crates/cli/tests/e2e/portal_design.rs, which passes PORTAL_DOCS_SHOTS on to pages.mjs).
# Run by hand after a design change and commit the pictures; CI does not run it.
# Needs what scripts/test installs (chromium, node modules, composer, aiosmtpd).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="$root/docs/screenshots"
mkdir -p "$out"
rm -f "$out"/*.png
npm ci --prefix "$root/crates/cli/tests/browser" --no-audit --no-fund --loglevel=error
cd "$root"
PORTAL_DOCS_SHOTS="$out" cargo test -p packyard --test e2e -- --exact \
  portal_design::every_portal_page_passes_axe_and_fits_a_phone
ls "$out" | wc -l | xargs echo "screenshots in docs/screenshots:"
