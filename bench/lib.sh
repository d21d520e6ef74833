# Shell helpers shared by bench/run and bench/ab (sourced, not run): tools, a benchmark
# repository set up through the CLI, nginx serving a static twin, wrk runs and waits.
# Callers set W (scratch directory) and RESULTS (where `record` appends) before using them.

log() { printf '\n== %s\n' "$*" >&2; }
now() { date +%s.%N; }
record() { echo "$*" >>"$RESULTS"; }

# Installs with apt whatever of nginx, wrk, h2load, composer, PHP (with its curl and zip
# extensions), curl, python3 is missing.
bench_tools() {
  local need=()
  command -v nginx >/dev/null || need+=(nginx)
  command -v wrk >/dev/null || need+=(wrk)
  command -v h2load >/dev/null || need+=(nghttp2-client)
  command -v composer >/dev/null || need+=(composer)
  command -v php >/dev/null || need+=(php-cli)
  # Composer downloads in parallel (and over HTTP/2) only through PHP's curl extension;
  # without it the create-project rows time its one-at-a-time fallback instead.
  php -m 2>/dev/null | grep -qx curl || need+=(php-curl)
  php -m 2>/dev/null | grep -qx zip || need+=(php-zip)
  command -v curl >/dev/null || need+=(curl)
  command -v python3 >/dev/null || need+=(python3)
  command -v openssl >/dev/null || need+=(openssl)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

wait_http() { # URL [curl args…]
  local url=$1; shift
  for _ in $(seq 1 600); do curl -fsk -o /dev/null "$@" "$url" && return 0; sleep 0.1; done
  echo "timeout waiting for $url" >&2; exit 1
}

# repo_setup BIN DATA_DIR ZIPS_DIR → prints "PUBLIC PRIVATE": every zip published, one
# product, one account whose licence ends before the newest release (every answer is
# licence-filtered), one key.
repo_setup() {
  local bin=$1 data=$2 zips=$3
  # Creates and migrates the database: `migrate` where the build has it (later builds refuse
  # to create a data directory from any other command), `account list` in first-wave builds.
  "$bin" --data-dir "$data" migrate >/dev/null 2>&1 || "$bin" --data-dir "$data" account list >/dev/null
  "$bin" --data-dir "$data" publish "$zips"/*.zip >"$data.publish.out"
  "$bin" --data-dir "$data" product create ce --name "Acme CE" --packages 'acme/*' >/dev/null
  local acc key
  acc=$("$bin" --data-dir "$data" --json account create --email bench@shop.example --name Bench |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  "$bin" --data-dir "$data" entitlement grant "$acc" ce --updates-until 2025-03-01 >/dev/null
  key=$("$bin" --data-dir "$data" --json key create "$acc" --name bench)
  echo "$key" | python3 -c 'import json,sys;k=json.load(sys.stdin);print(k["public_key"], k["private_key"])'
}

basic_auth() { echo "Authorization: Basic $(printf '%s:%s' "$1" "$2" | base64 -w0)"; }

# nginx_conf FILE SERVER_BLOCKS → an nginx.conf like an operator's static mirror: sendfile,
# open_file_cache, gzip_static, no access log, no auth. SERVER_BLOCKS holds the
# `server { listen …; root …; }` blocks.
nginx_conf() {
  local file=$1 servers=$2 dir
  dir=$(dirname "$file")
  cat >"$file" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
$( [ "$(id -u)" = 0 ] && echo "user root root;" )
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000; keepalive_timeout 65;
  open_file_cache max=20000 inactive=60s; open_file_cache_valid 600s;
  types { application/json json; application/zip zip; }
  default_type application/octet-stream;
  gzip_static on;
  $servers
}
EOF
}

# wrk_rps URL PATHS OUT [wrk args…] → prints "RPS P99_MS NON2XX" (64 connections, 2 threads,
# DUR seconds, cycling through the request paths in PATHS).
wrk_rps() {
  local url=$1 paths=$2 out=$3; shift 3
  WRK_PATHS=$paths wrk -t2 -c64 -d"${DUR}s" --latency -s "$BENCH_LIB_DIR/wrk-paths.lua" "$@" "$url" >"$out" 2>&1
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}' "$out")
  errs=$(awk '/Non-2xx/ {print $NF}' "$out")
  echo "${rps:-0} ${p99:-0} ${errs:-0}"
}

# h2load_rps URL PATHS OUT [h2load args…] → prints "RPS FAILED": HTTP/2 over TLS, 16
# connections × 16 concurrent streams, DUR seconds, the first 2000 request paths of PATHS.
h2load_rps() {
  local url=$1 paths=$2 out=$3; shift 3
  local list=$out.paths
  head -2000 "$paths" | sed "s#^#${url}#" >"$list"
  h2load -c16 -m16 -t2 -D "$DUR" -i "$list" "$@" >"$out" 2>&1 || true
  local rps failed
  rps=$(awk '/^finished in/ {gsub(",", "", $4); print $4}' "$out")
  failed=$(awk '/^requests:/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^failed/) print $i}' "$out")
  echo "${rps:-0} ${failed:-0}"
}

# A self-signed certificate for 127.0.0.1 (ECDSA P-256, like most certificates in use).
make_cert() { # DIR
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

# build_ref REF TARGET_DIR SCRATCH → prints the path of REF's release binary. A commit's build
# never changes, so it is kept in TARGET_DIR/by-commit/ and built only once: in a temporary
# git worktree (SCRATCH/ref-src, removed again at once) with TARGET_DIR as its target directory.
build_ref() {
  local ref=$1 target=$2 scratch=$3 repo sha
  repo=$(git rev-parse --show-toplevel)
  sha=$(git rev-parse --short=12 "$ref^{commit}")
  if [ ! -x "$target/by-commit/packyard-$sha" ]; then
    drop_ref "$scratch"
    mkdir -p "$scratch" "$target/by-commit"
    git -C "$repo" worktree add --detach "$scratch/ref-src" "$sha" >/dev/null 2>&1
    log "building $ref ($sha) in release mode"
    (cd "$scratch/ref-src" && CARGO_TARGET_DIR=$target cargo build --release --locked --bin packyard >&2)
    cp "$target/release/packyard" "$target/by-commit/packyard-$sha"
    drop_ref "$scratch"
  fi
  echo "$target/by-commit/packyard-$sha"
}
drop_ref() { git worktree remove --force "$1/ref-src" 2>/dev/null || rm -rf "$1/ref-src"; }

BENCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
