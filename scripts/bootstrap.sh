#!/usr/bin/env bash
# Installs what building, running and testing the console needs, on a fresh machine of this
# project's kind (Debian 12, rustup without network access to its own server) or a laptop.
# Every step checks first and skips what is already there, so a repeat run takes seconds.
#
#   scripts/bootstrap.sh            what `scripts/run.sh` needs
#   scripts/bootstrap.sh --test     also what `scripts/test.sh` needs (Chromium, npm, Python)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

TRUNK_VERSION=0.21.14
APT_UPDATED=0

have() { command -v "$1" >/dev/null 2>&1; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else die "need root for: $*"; fi
}

# apt_install PKG...: installs the Debian packages not yet installed.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  have apt-get || die "missing packages ${missing[*]} and no apt-get to install them"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    sudo_if_needed apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

default_has_wasm_std() {
  local sysroot
  sysroot="$(env -u RUSTUP_TOOLCHAIN rustc --print sysroot 2>/dev/null)" || return 1
  [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib" ]
}

debian_route_ready() {
  rustup toolchain list 2>/dev/null | grep -q '^system-web' &&
    [ -d /usr/lib/rustlib/src/rust/library ] && have rust-lld
}

default_has_rust_src() {
  local sysroot
  sysroot="$(env -u RUSTUP_TOOLCHAIN rustc --print sysroot 2>/dev/null)" || return 1
  [ -d "$sysroot/lib/rustlib/src/rust/library/std" ]
}

# The default toolchain's rust-src or prebuilt wasm32 std, downloaded if missing. On an
# ordinary laptop the download works; where the rustup server is unreachable it hangs, hence
# the timeout.
get_rust_src() {
  default_has_rust_src ||
    { timeout 60 rustup component add rust-src >/dev/null 2>&1 && default_has_rust_src; }
}
get_prebuilt_std() {
  default_has_wasm_std ||
    { timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && default_has_wasm_std; }
}

# Chooses how to build for wasm32 and records it in .cache/wasm-toolchain (read by
# scripts/lib/wasm-env.sh): the one place that decides. In order of preference:
#   debian      Debian's rustc-web (1.96) with rust-web-src: std built from source. The route
#               verified on this project's machines, where rustup cannot download a target;
#   rustup-src  the default toolchain's rust-src: the same build, where Debian's packages
#               cannot be had (a laptop);
#   rustup      the default toolchain's prebuilt wasm32 std, where rustup can download it.
# FC_WASM_TOOLCHAIN=<mode> forces one.
choose_wasm_toolchain() {
  local choice_file="$CACHE_DIR/wasm-toolchain"
  local forced="${FC_WASM_TOOLCHAIN:-}"
  case "$forced" in
    '') ;;
    rustup-src) { get_rust_src || die "FC_WASM_TOOLCHAIN=rustup-src: no rust-src for the default toolchain"; } &&
                  fetch_std_deps ;;
    debian) { debian_route_ready || install_debian_route; } && fetch_std_deps system-web ;;
    rustup) get_prebuilt_std || die "FC_WASM_TOOLCHAIN=rustup: the wasm32 std cannot be had" ;;
    *) die "FC_WASM_TOOLCHAIN must be debian, rustup-src or rustup, not '$forced'" ;;
  esac
  if [ -n "$forced" ]; then echo "$forced" >"$choice_file"; return 0; fi
  if debian_route_ready; then
    fetch_std_deps system-web; echo debian >"$choice_file"; return 0
  fi
  if default_has_rust_src; then
    fetch_std_deps; echo rustup-src >"$choice_file"; return 0
  fi
  if have apt-get; then
    log "installing Debian's rustc-web to build std from source"
    # In a subshell: if Debian's packages cannot be had, rustup's routes below still can.
    if ( install_debian_route ); then
      fetch_std_deps system-web; echo debian >"$choice_file"; return 0
    fi
    warn "Debian's rustc-web could not be installed"
  fi
  log "trying rustup component add rust-src (60 s at most)"
  if get_rust_src; then
    fetch_std_deps; echo rustup-src >"$choice_file"; return 0
  fi
  log "no std sources to be had: trying the prebuilt wasm32 std"
  if get_prebuilt_std; then
    echo rustup >"$choice_file"; return 0
  fi
  die "no way to build for wasm32: no Debian rustc-web, no rust-src, no wasm32 std"
}

# std's own dependencies (compiler_builtins, libc, ...) from crates.io, into cargo's cache: the
# console is built with --offline. Once per compiler version (a stamp in .cache).
#   fetch_std_deps            the default rustup toolchain's rust-src
#   fetch_std_deps system-web Debian's rustc-web and rust-web-src
fetch_std_deps() {
  local toolchain="${1:-}" sysroot stamp
  local -a env_args=(-u RUSTUP_TOOLCHAIN)
  [ -z "$toolchain" ] || env_args=(RUSTUP_TOOLCHAIN="$toolchain")
  sysroot="$(env "${env_args[@]}" rustc --print sysroot)"
  stamp="$CACHE_DIR/std-deps-$(env "${env_args[@]}" rustc --version | tr -c 'A-Za-z0-9.\n' '_')"
  [ -f "$stamp" ] && return 0
  env "${env_args[@]}" RUSTC_BOOTSTRAP=1 cargo fetch --quiet \
    --manifest-path "$sysroot/lib/rustlib/src/rust/library/Cargo.toml" ||
    die "cannot fetch the dependencies of std's sources from crates.io"
  touch "$stamp"
}

install_debian_route() {
  apt_install rustc-web cargo-web rust-web-src lld-22
  rustup toolchain link system-web /usr
  debian_route_ready || die "Debian wasm toolchain incomplete (rustc-web, rust-web-src, lld-22)"
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate pinned in Cargo.toml.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml" | head -1
}

install_wasm_bindgen() {
  local want; want="$(wasm_bindgen_version)"
  [ -n "$want" ] || die "Cargo.toml must pin wasm-bindgen with '=X.Y.Z'"
  if have wasm-bindgen && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$want" ]; then return 0; fi
  log "cargo install wasm-bindgen-cli $want (about 5 minutes)"
  # Without --locked: one of its locked dependencies was yanked.
  env -u RUSTUP_TOOLCHAIN cargo install wasm-bindgen-cli --version "$want" --quiet
}

install_trunk() {
  if have trunk && trunk --version | grep -q " $TRUNK_VERSION"; then return 0; fi
  log "cargo install trunk $TRUNK_VERSION (about 12 minutes)"
  # --locked: without it a newer lightningcss fails to compile; 0.22 needs a newer rustc.
  env -u RUSTUP_TOOLCHAIN cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
}

# npm_ci DIR: installs DIR's npm packages from its lockfile when the lockfile changed.
npm_ci() {
  local dir="$ROOT/$1" stamp want
  stamp="$dir/node_modules/.fc-lock-hash"
  want="$(hash_files "$dir/package-lock.json")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  have npm || apt_install nodejs npm
  log "npm ci in $1"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
}

# The console's crates for every target, into cargo's cache: Trunk builds with --offline (so
# it never downloads a tool), and a native build alone would not fetch the wasm-only crates.
fetch_crates() {
  local stamp="$CACHE_DIR/crates-$(hash_files "$ROOT/Cargo.lock")"
  [ -f "$stamp" ] && return 0
  (cd "$ROOT" && env -u RUSTUP_TOOLCHAIN cargo fetch --quiet) || die "cannot fetch the crates in Cargo.lock"
  touch "$stamp"
}

python_venv() {
  local venv="$ROOT/.venv" stamp want
  stamp="$venv/.fc-requirements-hash"
  want="$(hash_files "$ROOT/tests/requirements.txt")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then return 0; fi
  have python3 || apt_install python3 python3-venv
  log "python venv with tests/requirements.txt"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || { apt_install python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/requirements.txt"
  echo "$want" >"$stamp"
}

# A fresh clone (CI's case) shares one build cache per user, so compiled dependencies and the
# wasm32 std build are reused between clones on the same machine instead of rebuilt (a full
# build is most of a test run's time). A clone that already has its own target/ keeps it.
# Cargo keys workspace crates by path, so two clones never mix their own artifacts.
link_build_cache() {
  local cache="${FC_BUILD_CACHE:-$HOME/.cache/failover-console/target}"
  [ -e "$ROOT/target" ] || [ -L "$ROOT/target" ] && return 0
  [ "${FC_BUILD_CACHE:-}" = none ] && return 0
  mkdir -p "$cache"
  ln -s "$cache" "$ROOT/target"
  log "target/ -> $cache (shared build cache)"
}

verify() {
  . "$ROOT/scripts/lib/wasm-env.sh"
  have trunk || die "trunk not on PATH after install"
  have wasm-bindgen || die "wasm-bindgen not on PATH after install"
  [ -x "$ROOT/tools/node_modules/.bin/wasm-opt" ] || die "wasm-opt (npm binaryen) missing"
  "$ROOT/tools/node_modules/.bin/esbuild" --version >/dev/null || die "esbuild (npm) missing or broken"
  (cd "$ROOT/tools" && node -e "import('@gfx/zopfli').then(m => m.gzipAsync(Buffer.from('x'), { numiterations: 1 }))") \
    || die "zopfli (npm @gfx/zopfli) missing or broken"
  if [ "$WITH_TEST" -eq 1 ]; then
    [ -x /usr/bin/chromium ] || die "chromium missing"
    "$ROOT/.venv/bin/python" -c 'import boto3, botocore, pytest' || die "python test deps missing"
  fi
}

main() {
  local start; start=$(now_ms)
  log "bootstrap (mode: $([ "$WITH_TEST" -eq 1 ] && echo test || echo run))"
  have cargo || die "cargo not found: install Rust with rustup first"
  step "build cache" link_build_cache
  step "wasm32 toolchain" choose_wasm_toolchain
  step "crates (cargo fetch)" fetch_crates
  step "wasm-bindgen-cli" install_wasm_bindgen
  step "trunk" install_trunk
  step "npm tools (wasm-opt, esbuild, zopfli)" npm_ci tools
  if [ "$WITH_TEST" -eq 1 ]; then
    step "chromium + chromedriver" apt_install chromium chromium-driver
    step "npm e2e (playwright-core)" npm_ci e2e
    step "python venv (boto3, pytest)" python_venv
  fi
  step "verify" verify
  log "bootstrap done in $(( ($(now_ms) - start) / 1000 ))s (wasm toolchain: $(cat "$CACHE_DIR/wasm-toolchain"))"
}

main
