#!/usr/bin/env bash
# Prints the console's transfer size (wasm, JS, CSS: raw, gzip, brotli) next to the AWS SDK for
# JavaScript v3 bundle of the same clients and commands, React, and both (bench/bench.mjs).
# Figures only: it never fails because of a size.
#
#   scripts/bench.sh              builds the console first if its inputs changed (build-web.sh)
#   scripts/bench.sh --size-only  measures dist/ as it is (scripts/test.sh has just built it)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

size_only=0
for arg in "$@"; do
  case "$arg" in
    --size-only) size_only=1 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (see --help)" ;;
  esac
done

if [ "$size_only" = 0 ]; then
  "$ROOT/scripts/build-web.sh" >/dev/null
fi
[ -f dist/index.html ] || die "no console build in dist/: run scripts/build-web.sh"
[ -f dist/.fc-build-hash ] || warn "dist/ was not built by scripts/build-web.sh (a dev build?): its figures are not the release's"

# The comparison's npm packages, from the committed lock; installed again only when it changes.
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed for the comparison"
stamp="$ROOT/bench/node_modules/.fc-lock-hash"
want="$(hash_files bench/package-lock.json)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing the comparison's npm packages (npm ci in bench/; once)"
  if ! npm ci --prefix "$ROOT/bench" --no-audit --no-fund >"$CACHE_DIR/bench-npm.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/bench-npm.log" >&2
    die "npm ci in bench/ failed (full log: .cache/bench-npm.log)"
  fi
  echo "$want" >"$stamp"
fi

log "transfer size: the console next to the AWS SDK for JavaScript v3 and React"
node "$ROOT/bench/bench.mjs" --dist "$ROOT/dist" --json "$CACHE_DIR/bench.json"
