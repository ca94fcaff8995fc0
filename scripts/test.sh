#!/usr/bin/env bash
# Runs every test: lints, native Rust tests, the emulator through boto3, and the console
# end to end in headless Chromium against the emulator. Exits non-zero on any failure.
#
#   FC_SKIP_E2E=1   skip the browser stage (for a quick native loop)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

results=()
failed=0
record() { # record NAME RC SECONDS
  local status=passed
  [ "$2" -eq 0 ] || { status=FAILED; failed=1; }
  results+=("$(printf '%-28s %-7s %5ss' "$1" "$status" "$3")")
}
stage() { # stage NAME CMD...: runs a test stage, keeps going on failure
  local name="$1"; shift
  log "$name"
  local start rc=0; start=$(now_ms)
  "$@" || rc=$?
  record "$name" "$rc" $(( ($(now_ms) - start) / 1000 ))
  return 0
}
must() { # must NAME CMD...: a build step later stages depend on; stops on failure
  local name="$1"; shift
  log "$name"
  local start; start=$(now_ms)
  "$@" || { record "$name" 1 $(( ($(now_ms) - start) / 1000 )); summary; exit 1; }
  record "$name" 0 $(( ($(now_ms) - start) / 1000 ))
}
summary() {
  printf '\n==> test summary\n' >&2
  printf '    %s\n' "${results[@]}" >&2
}

must "bootstrap" "$ROOT/scripts/bootstrap.sh" --test
stage "rustfmt" cargo fmt --all -- --check
stage "clippy (native)" cargo clippy --workspace --all-targets --quiet -- -D warnings
# The emulator first: tests/emulator_live.rs runs the newest build of it.
must "build emulator and relay" cargo build --quiet -p failover-emulator -p failover-relay
must "build fc-config" cargo build --quiet --bin fc-config
stage "cargo test (native)" cargo test --workspace
export FAILOVER_EMULATOR_BIN="$ROOT/target/debug/failover-emulator"
export FAILOVER_RELAY_BIN="$ROOT/target/debug/failover-relay"
stage "emulator via boto3 (pytest)" "$ROOT/.venv/bin/python" -m pytest -q tests/emulator
must "build console (wasm)" "$ROOT/scripts/build-web.sh"
if [ "${FC_SKIP_E2E:-0}" = 1 ]; then
  warn "FC_SKIP_E2E=1: browser tests skipped"
else
  export FC_DIST="$ROOT/dist"
  stage "end to end (Chromium)" npm --prefix "$ROOT/e2e" test --silent
fi
# Transfer size next to the AWS SDK for JavaScript: figures only, never a failure.
"$ROOT/scripts/bench.sh" --size-only || warn "size benchmark did not run (figures only, not a test)"

summary
exit "$failed"
