#!/usr/bin/env bash
# Writes a deployable folder for one environment: hashed assets, its config.json, index.html
# with a Content-Security-Policy whose connect-src is computed from the config, sw.js (the
# offline app shell), and _headers (what the host should send).
#
#   scripts/package.sh CONFIG.json [OUT_DIR]      OUT_DIR defaults to out/<environment>
#
# A config with a mistake is refused, the field named, before anything is written.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

config="${1:-}"
[ -n "$config" ] && [ -f "$config" ] || die "usage: scripts/package.sh CONFIG.json [OUT_DIR] (see docs/DEPLOYMENT.md)"
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
cd "$ROOT"

# The console's own rules check the config (src/state/deploy.rs), natively.
checked="$(mktemp)"
trap 'rm -f "$checked"' EXIT
cargo build --quiet --bin fc-config
if ! "$ROOT/target/debug/fc-config" "$config" >"$checked"; then
  die "config refused: nothing was packaged"
fi
environment="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["environment"])' "$checked")"
out="${2:-$ROOT/out/$environment}"

"$ROOT/scripts/build-web.sh" >&2
python3 "$ROOT/scripts/lib/package.py" "$ROOT/dist" "$config" "$checked" "$out"
