# Shared shell helpers for the project's scripts: paths, logging and step timing.
# Sourced, never run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="$ROOT/.cache"
mkdir -p "$CACHE_DIR"
# cargo-installed tools land here on every machine of this kind.
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }

# step NAME CMD...: runs CMD, prints how long it took.
step() {
  local name="$1"; shift
  local start; start=$(now_ms)
  "$@"
  local rc=$?
  local took=$(( $(now_ms) - start ))
  printf '    %-34s %6d.%01ds\n' "$name" $((took / 1000)) $(((took % 1000) / 100)) >&2
  return $rc
}

# sha256 of the given files' contents (missing files count as empty).
hash_files() {
  cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1
}

# sha256 over every tracked-or-untracked (not ignored) file under the given paths.
hash_tree() {
  (cd "$ROOT" && git ls-files -co --exclude-standard -- "$@" | LC_ALL=C sort | xargs -d '\n' sha256sum 2>/dev/null) | sha256sum | cut -d' ' -f1
}
