#!/usr/bin/env bash
# Builds the console (release wasm, JS, CSS) into dist/ with Trunk and prints what it weighs.
# Skips the build when no input changed since the last one.
set -euo pipefail
. "$(dirname "$0")/lib/wasm-env.sh"
cd "$ROOT"

STAMP="$ROOT/dist/.fc-build-hash"
# wasm-env.sh holds the wasm compiler flags, so it is an input too.
inputs_hash="$(hash_tree src style index.html Cargo.toml Cargo.lock Trunk.toml scripts/lib/csp.py scripts/lib/css_bundle.py scripts/lib/minify_js.py scripts/lib/precompress.mjs scripts/lib/wasm-env.sh tools/package-lock.json)-$WASM_TOOLCHAIN_MODE-${FC_CSP_CONNECT:-}"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$inputs_hash" ] && [ "${FC_FORCE_BUILD:-0}" != 1 ]; then
  log "console build is up to date (dist/)"
else
  log "building the console with Trunk (release; the first build also compiles std for wasm32)"
  start=$(now_ms)
  if ! trunk build --release --offline >"$CACHE_DIR/trunk.log" 2>&1; then
    tail -n 60 "$CACHE_DIR/trunk.log" >&2
    die "trunk build failed (full log: .cache/trunk.log)"
  fi
  [ -f dist/index.html ] || die "trunk build produced no dist/index.html"
  python3 "$ROOT/scripts/lib/minify_js.py" dist/index.html >&2
  python3 "$ROOT/scripts/lib/css_bundle.py" dist/index.html >&2
  python3 "$ROOT/scripts/lib/csp.py" dist/index.html >&2
  # Last: the gzip copies the server sends must be of the final files.
  node "$ROOT/scripts/lib/precompress.mjs" "$ROOT/dist"
  echo "$inputs_hash" >"$STAMP"
  log "built in $(( ($(now_ms) - start) / 1000 ))s"
fi

# What the browser downloads, raw and compressed, so every change sees its cost.
python3 "$ROOT/scripts/lib/size_report.py" "$ROOT/dist"
