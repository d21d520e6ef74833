#!/usr/bin/env bash
# Publishes one new version of PACKAGE into a running repository twice — once with the CLI
# (a separate process: includes its start-up) and once through the admin API — and prints how
# long each publish took and how long until a client's p2 request showed the new version.
# usage: publish_one.sh BIN DATA_DIR BASE_URL PACKAGE AUTH_HEADER LABEL
set -euo pipefail
BIN=$1 DATA=$2 BASE=$3 PACKAGE=$4 AUTH=$5 LABEL=$6
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
make_zip() { # VERSION FILE
  python3 - "$PACKAGE" "$1" "$2" <<'PY'
import json, sys, zipfile
name, version, path = sys.argv[1:4]
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("pkg/composer.json", json.dumps({"name": name, "version": version, "type": "library",
               "time": "2024-02-01", "require": {"php": ">=7.4"}}))
    z.writestr("pkg/src/Hello.php", "<?php\n")
PY
}
now() { date +%s.%N; }
wait_visible() { # VERSION START → seconds from START until the p2 file lists VERSION
  for _ in $(seq 1 500); do
    if curl -s -H "$AUTH" "$BASE/p2/$PACKAGE.json" | grep -q "\"version\":\"$1\""; then
      echo "$(now) - $2" | bc; return
    fi
    sleep 0.01
  done
  echo "never"
}
stamp=$(date +%s)
printf 'bench-password\n' | "$BIN" --data-dir "$DATA" operator create --email "bench-$stamp@ops.example" --password-stdin >/dev/null
TOKEN=$("$BIN" --data-dir "$DATA" --json operator token create --email "bench-$stamp@ops.example" --name bench |
  python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
sleep 1 # let the server pick up the token

for rep in 1 2 3; do
  v1="9.$((stamp % 100000)).$((rep * 2))"; v2="9.$((stamp % 100000)).$((rep * 2 + 1))"
  make_zip "$v1" "$TMP/one.zip"; make_zip "$v2" "$TMP/two.zip"
  sleep 0.5
  t0=$(now)
  "$BIN" --data-dir "$DATA" publish "$TMP/one.zip" >/dev/null
  t1=$(now)
  echo "publish_cli $LABEL secs=$(echo "$t1 - $t0" | bc) visible_secs=$(wait_visible "$v1" "$t0")"

  sleep 0.5
  t0=$(now)
  code=$(curl -s -o "$TMP/api.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$TMP/two.zip" "$BASE/api/packages")
  t1=$(now)
  [ "${code:0:1}" = 2 ] || echo "admin upload failed: $code $(cat "$TMP/api.out")" >&2
  echo "publish_api $LABEL secs=$(echo "$t1 - $t0" | bc) visible_secs=$(wait_visible "$v2" "$t0")"
done
