# Exports the environment for building the console to wasm32 with the toolchain that
# scripts/bootstrap.sh chose (recorded in .cache/wasm-toolchain). Sourced, never run.

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WASM_TOOLCHAIN_FILE="$CACHE_DIR/wasm-toolchain"
[ -f "$WASM_TOOLCHAIN_FILE" ] || die "no wasm toolchain chosen yet: run scripts/bootstrap.sh first"
WASM_TOOLCHAIN_MODE="$(cat "$WASM_TOOLCHAIN_FILE")"

# Flags for the wasm target only (host build scripts and proc macros keep their defaults).
# erase_components: Leptos type-erases every component's view (AnyView), so the deeply nested
# view types are not monomorphised into the console once per use; it made the wasm about 9%
# smaller (with fmt-debug=shallow, bench/README.md).
# -inline-threshold=0: LLVM inlines only what is always worth it (a single caller, tiny
# bodies); measured 244,709 -> 243,015 bytes gzip of wasm (2026-11-30, 8010660).
FC_WASM_RUSTFLAGS_STABLE="--cfg erase_components -Cllvm-args=-inline-threshold=0"

# Flags for a std compiled from source with the console, which both build-std routes share.
# Building std here (RUSTC_BOOTSTRAP lets a stable compiler accept -Zbuild-std) lets it be
# compiled for size together with the console:
# - std's optimize_for_size feature (core and alloc): small sorts (one tiny mergesort per
#   sorted type instead of quicksort + drift + small-sort networks) and smaller number
#   formatting and parsing. Replaces cargo's default list (panic-unwind, backtrace), which
#   neither immediate-abort panics nor wasm32-unknown-unknown use. Measured: wasm
#   1,036,888 -> 994,127 bytes raw after wasm-opt, 396,440 -> 383,747 gzip (sorting code
#   before wasm-opt 50.8 KB -> 5.9 KB).
# - panic=immediate-abort: a panic traps at once, with no unwinding or message formatting
#   linked in. The cost: console_error_panic_hook (src/main.rs) never runs, so the browser
#   console shows "RuntimeError: unreachable" and a wasm stack, not the panic message.
#   To debug a panic, build on the prebuilt-std route (FC_WASM_TOOLCHAIN=rustup).
# - location-detail=none: no source file names and lines stored for panics.
# - fmt-debug=shallow: derived Debug impls print the type or variant name only (the
#   console never shows Debug output; Debug of strings and numbers is unchanged).
# Measured with erase_components (bench/README.md): wasm 1,413,058 -> 1,034,235 bytes
# raw after wasm-opt, 513,740 -> 396,304 gzip, together with the XML tree in src/aws.
fc_build_std_env() {
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  # A separate target dir: host artifacts from two compilers must not overwrite each other.
  export CARGO_TARGET_DIR="$ROOT/target/web"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FC_WASM_RUSTFLAGS_STABLE -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=shallow"
}

case "$WASM_TOOLCHAIN_MODE" in
  debian)
    # Debian's rustc-web has the wasm backend but no prebuilt std for wasm32: std is built
    # from the rust-web-src sources, for size (above). The smallest console (rustc 1.96).
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
    # The prebuilt wasm32 std of the default toolchain: only when neither std source could be
    # had. It works, but the build is larger (402.3 KB gzip against 360.3 built from
    # rust-src, same sources, 2026-11-30)
    # because std is not compiled for size and panics keep their messages.
    unset RUSTUP_TOOLCHAIN RUSTC_BOOTSTRAP CARGO_UNSTABLE_BUILD_STD CARGO_UNSTABLE_BUILD_STD_FEATURES
    export CARGO_TARGET_DIR="$ROOT/target/web"
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$FC_WASM_RUSTFLAGS_STABLE"
    ;;
  *) die "unknown wasm toolchain mode '$WASM_TOOLCHAIN_MODE' in $WASM_TOOLCHAIN_FILE" ;;
esac
# Build tools from npm (wasm-opt) and cargo (trunk, wasm-bindgen).
export PATH="$ROOT/tools/node_modules/.bin:$PATH"
