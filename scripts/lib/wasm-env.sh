# Exports the environment for building the console to wasm32 with the toolchain that
# scripts/bootstrap.sh chose (recorded in .cache/wasm-toolchain). Sourced, never run.

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WASM_TOOLCHAIN_FILE="$CACHE_DIR/wasm-toolchain"
[ -f "$WASM_TOOLCHAIN_FILE" ] || die "no wasm toolchain chosen yet: run scripts/bootstrap.sh first"
WASM_TOOLCHAIN_MODE="$(cat "$WASM_TOOLCHAIN_FILE")"

case "$WASM_TOOLCHAIN_MODE" in
  rustup)
    # The default rustup toolchain has the prebuilt wasm32 standard library.
    unset RUSTUP_TOOLCHAIN RUSTC_BOOTSTRAP CARGO_UNSTABLE_BUILD_STD
    export CARGO_TARGET_DIR="$ROOT/target/web"
    ;;
  debian)
    # Debian's rustc-web has the wasm backend but no prebuilt std for wasm32: build std from
    # the rust-web-src sources. RUSTC_BOOTSTRAP lets the stable compiler accept -Zbuild-std.
    export RUSTUP_TOOLCHAIN=system-web
    export RUSTC_BOOTSTRAP=1
    export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    # A separate target dir: host artifacts from two compilers must not overwrite each other.
    export CARGO_TARGET_DIR="$ROOT/target/web"
    ;;
  *) die "unknown wasm toolchain mode '$WASM_TOOLCHAIN_MODE' in $WASM_TOOLCHAIN_FILE" ;;
esac
# Build tools from npm (wasm-opt) and cargo (trunk, wasm-bindgen).
export PATH="$ROOT/tools/node_modules/.bin:$PATH"
