#!/usr/bin/env bash
# Runs the property tests that feed random and mutated input to every decoder and parser
# with many more cases than the normal suite (PROPTEST_CASES, default 15000), and prints the
# executions and crashes per target. A crash is a failing property (a panic, or for the
# emulator a 5xx answer to garbage); proptest shrinks it and the cargo output names it.
#
#   scripts/fuzz.sh                          # 15000 cases per property: about 2 minutes on 2 cores
#   PROPTEST_CASES=20000 FUZZ_BUDGET_S=300 scripts/fuzz.sh   # deeper
#   FUZZ_BUDGET_S=...                        # wall-clock budget for the runs (default 180 s)
#
# Not part of scripts/test.sh: that already runs the same properties with their bounded
# default case counts. Exits non-zero on any crash or when the budget runs out.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

CASES="${PROPTEST_CASES:-15000}"
BUDGET="${FUZZ_BUDGET_S:-180}"
export PROPTEST_CASES="$CASES"
# A found failure is reported, not written into the source tree.
export PROPTEST_DISABLE_FAILURE_PERSISTENCE=1

# name | cargo test arguments | test-name filters (the property tests only) | properties they select
TARGETS=(
  "client decoders (tests/decode_never_panics.rs)|-p failover-console --test decode_never_panics|random_bytes_never_panic random_text_that_looks_like_xml_never_panics mutated_fixtures_never_panic the_client_survives_any_answer|4"
  "emulator request parsing (emulator/src: sigv4, query, json, whole calls)|-p failover-emulator --bin failover-emulator|arbitrary_authorization_headers_never_panic random_bodies_never_panic signed_random_bodies_get_client_errors|4"
)

echo "==> compiling the test binaries (not counted in the budget)"
for t in "${TARGETS[@]}"; do
  IFS='|' read -r _ args _ _ <<<"$t"
  # shellcheck disable=SC2086
  cargo test $args --no-run --quiet || { echo "fuzz: build failed for: $args" >&2; exit 2; }
done

start=$(date +%s)
status=0
total_exec=0
total_crash=0
summary=()
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name args filters expected <<<"$t"
  left=$(( BUDGET - ($(date +%s) - start) ))
  if [ "$left" -le 0 ]; then
    summary+=("$(printf '%-72s %s' "$name" 'not run: budget spent')")
    status=1
    continue
  fi
  log="$(mktemp)"
  echo "==> $name: $CASES cases per property (${left}s left)"
  t0=$(date +%s)
  # shellcheck disable=SC2086
  timeout "$left" cargo test $args -- $filters --test-threads=2 >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - t0 ))
  passed=$(grep -cE '^test .* \.\.\. ok$' "$log" || true)
  failed=$(grep -cE '^test .* \.\.\. FAILED$' "$log" || true)
  # --quiet prints dots, not names: fall back to the summary line.
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    passed=$(sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\1/p' "$log" | tail -1)
    failed=$(sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\2/p' "$log" | tail -1)
  fi
  passed=${passed:-0}
  failed=${failed:-0}
  # Each passing property ran exactly $CASES successful cases; a failing one stopped early.
  exec=$(( passed * CASES ))
  if [ "$rc" -eq 124 ]; then
    line="timed out after ${secs}s with $passed of $expected properties done ($exec executions, $failed crashes): raise FUZZ_BUDGET_S or lower PROPTEST_CASES"
    status=1
  elif [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then
    line="$exec executions, $failed crash(es) in ${secs}s"
    grep -E 'panicked|minimal failing input|Test failed' "$log" | head -20
    status=1
  elif [ "$passed" -lt "$expected" ]; then
    line="only $passed of $expected properties ran: a filter matches nothing"
    status=1
  else
    line="$exec executions ($passed properties x $CASES), 0 crashes, ${secs}s"
  fi
  total_exec=$(( total_exec + exec ))
  total_crash=$(( total_crash + failed ))
  summary+=("$(printf '%-72s %s' "$name" "$line")")
  rm -f "$log"
done

echo
echo "fuzz summary (PROPTEST_CASES=$CASES):"
for s in "${summary[@]}"; do echo "  $s"; done
echo "  total: $total_exec executions, $total_crash crashes in $(( $(date +%s) - start ))s"
exit "$status"
