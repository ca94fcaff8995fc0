#!/usr/bin/env bash
# The performance benchmark: prints, in one run, figures only (it never fails because of a time
# or a size):
#   1. transfer size: the console (wasm, JS, CSS: raw, gzip, brotli) next to the AWS SDK for
#      JavaScript v3 bundle of the same clients and commands, React, and both (bench/bench.mjs);
#   2. SigV4 signing throughput: the console's wasm signer next to aws4fetch in the same
#      Chromium (e2e/bench/signing-bench.mjs);
#   3. the console in Chromium against the emulator: first paint, time to a rendered inventory,
#      layout shift, large-topology render and filter keystrokes, AWS calls per minute idle,
#      hidden and with a run active, and the lag from the emulator settling to the console
#      showing it (e2e/bench/console-bench.mjs);
#   3b. a Region down: time to the healthy Regions' rows (closed and black-holed calls, a host
#      per Region and one for all) next to all up; evacuating us-east-1 by plan next to the
#      same actions one at a time, wall time and AWS calls (e2e/bench/evacuation-bench.mjs);
#   3c. replication lag on screen: GetMetricData calls per Region per minute idle and hidden
#      (e2e/bench/lag-bench.mjs);
#   3d. a team's deployment: package time and size, sign-in time, credential renewals with no
#      call refused, opening with the host up and down, the relay's added latency
#      (e2e/bench/deploy-bench.mjs);
#   4. what each crate costs: code bytes of the wasm per crate, before wasm-opt
#      (bench/wasm_code_by_crate.py);
#   5. every figure of this run beside the same figure before issue 14 (the build at 919813a,
#      bench/before-issue-14.txt), by bench/compare.mjs.
#
#   scripts/bench.sh              all of them; builds what is missing first (about 7 minutes)
#   scripts/bench.sh --size-only  only 1 and 4, on dist/ as it is (scripts/test.sh runs this at its end)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

size_only=0
for arg in "$@"; do
  case "$arg" in
    --size-only) size_only=1 ;;
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (see --help)" ;;
  esac
done

if [ "$size_only" = 0 ]; then
  # The browser benches need Chromium, the e2e npm packages and the emulator: the test set-up.
  "$ROOT/scripts/bootstrap.sh" --test
  "$ROOT/scripts/build-web.sh" >/dev/null
  log "building the emulator (profile emulator)"
  cargo build --quiet -p failover-emulator --profile emulator
  export FAILOVER_EMULATOR_BIN="$ROOT/target/emulator/failover-emulator"
  export FC_DIST="$ROOT/dist"
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

# Everything the benches print also goes to .cache/bench-now.txt, for the comparison at the end.
now_file="$CACHE_DIR/bench-now.txt"
: >"$now_file"
log "transfer size: the console next to the AWS SDK for JavaScript v3 and React"
node "$ROOT/bench/bench.mjs" --dist "$ROOT/dist" --json "$CACHE_DIR/bench.json" | tee -a "$now_file"

log "what each crate costs: wasm code bytes per crate (cargo's output, before wasm-opt)"
wasm="${CARGO_TARGET_DIR:-$ROOT/target/web}/wasm32-unknown-unknown/release/failover-console.wasm"
if [ -f "$wasm" ]; then
  python3 "$ROOT/bench/wasm_code_by_crate.py" "$wasm" 25
else
  warn "no $wasm: build the console first (scripts/build-web.sh)"
fi

[ "$size_only" = 1 ] && exit 0
log "signing throughput: the console's wasm signer next to aws4fetch (same Chromium)"
(cd "$ROOT/e2e" && node bench/signing-bench.mjs) | tee -a "$now_file"
log "the console in Chromium against the emulator (about 3 minutes)"
(cd "$ROOT/e2e" && node bench/console-bench.mjs) | tee -a "$now_file"
log "a Region down, and evacuating it by plan next to one action at a time (about 3 minutes)"
(cd "$ROOT/e2e" && node bench/evacuation-bench.mjs) | tee -a "$now_file"
log "replication lag on screen: CloudWatch calls per Region per minute (about 4 minutes)"
(cd "$ROOT/e2e" && node bench/lag-bench.mjs) | tee -a "$now_file"
log "a team's deployment: package, sign-in, renewals, opening with the host down, the relay (about 2 minutes)"
cargo build --quiet -p failover-relay
cargo build --quiet --bin fc-config
(cd "$ROOT/e2e" && node bench/deploy-bench.mjs) | tee -a "$now_file"
log "this run beside the build before issue 14 (919813a)"
node "$ROOT/bench/compare.mjs" "$ROOT/bench/before-issue-14.txt" "$now_file"
