# Exports the environment for building the console to wasm32 with the toolchain that
# scripts/bootstrap.sh chose (recorded in .cache/wasm-toolchain). Sourced, never run.

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WASM_TOOLCHAIN_FILE="$CACHE_DIR/wasm-toolchain"
[ -f "$WASM_TOOLCHAIN_FILE" ] || die "no wasm toolchain chosen yet: run scripts/bootstrap.sh first"
WASM_TOOLCHAIN_MODE="$(cat "$WASM_TOOLCHAIN_FILE")"

# Flags for the wasm target only (host build scripts and proc macros keep their defaults).
# erase_components: Leptos's own switch that type-erases each component's view (AnyView), so
# deeply nested view types are not compiled once per use: faster release builds and a smaller
# binary, with the same behaviour.
FC_WASM_RUSTFLAGS_STABLE="--cfg erase_components"

# Building std from source (the Debian route has no prebuilt wasm32 std; RUSTC_BOOTSTRAP lets
# a stable compiler accept -Zbuild-std). Panics abort (the release profile says so) after
# console_error_panic_hook (src/main.rs) has printed the message and location to the browser
# console: that is what a person debugging a report needs, so no flag strips them.
fc_build_std_env() {
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  # A separate target dir: host artifacts from two compilers must not overwrite each other.
  export CARGO_TARGET_DIR="$ROOT/target/web"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FC_WASM_RUSTFLAGS_STABLE"
}

case "$WASM_TOOLCHAIN_MODE" in
  debian)
    # Debian's rustc-web has the wasm backend but no prebuilt std for wasm32: std is built
    # from the rust-web-src sources (above).
    export RUSTUP_TOOLCHAIN=system-web
    fc_build_std_env
    ;;
  rustup-src)
    # The default rustup toolchain with its rust-src component: the same build, for a
    # machine without Debian's packages (a laptop with a normal rustup).
    unset RUSTUP_TOOLCHAIN
    fc_build_std_env
    ;;
  rustup)
    # The prebuilt wasm32 std of the default toolchain (a laptop where rustup can download
    # it): the same console, with std as rustup ships it.
    unset RUSTUP_TOOLCHAIN RUSTC_BOOTSTRAP CARGO_UNSTABLE_BUILD_STD CARGO_UNSTABLE_BUILD_STD_FEATURES
    export CARGO_TARGET_DIR="$ROOT/target/web"
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FC_WASM_RUSTFLAGS_STABLE"
    ;;
  *) die "unknown wasm toolchain mode '$WASM_TOOLCHAIN_MODE' in $WASM_TOOLCHAIN_FILE" ;;
esac
# Build tools from npm (wasm-opt) and cargo (trunk, wasm-bindgen).
export PATH="$ROOT/tools/node_modules/.bin:$PATH"
