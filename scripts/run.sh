#!/usr/bin/env bash
# The main job: installs what is missing, builds the console and the emulator, and serves the
# console from the emulator, already pointed at it with its demo credentials.
#
#   FC_LISTEN=127.0.0.1:4566   address to listen on
#   FC_TIME_SCALE=1            1 = realistic durations (a global datastore promotion takes about
#                              a minute); 10 = ten times faster
#   FC_TOPOLOGY=default        or large:N for N replication groups per region
#   FC_FAULTS=                 e.g. throttle=0.1,error5xx=0.05,latency=300ms
#   FC_CONFIG=                 a deployment config (deploy/config.emulator.json): serve the
#                              console packaged with it (sign-in through the emulator's
#                              identity provider, the environment's name, the offline shell)
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

listen="${FC_LISTEN:-127.0.0.1:4566}"
"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/build-web.sh"
log "building the emulator"
cargo build --quiet -p failover-emulator --profile emulator

serve="$ROOT/dist"
open_url="http://$listen/?connect=emulator"
if [ -n "${FC_CONFIG:-}" ]; then
  serve="$CACHE_DIR/package"
  "$ROOT/scripts/package.sh" "$FC_CONFIG" "$serve"
  open_url="http://$listen/connect"
fi
args=(--listen "$listen" --time-scale "${FC_TIME_SCALE:-1}" --topology "${FC_TOPOLOGY:-default}" --serve "$serve")
[ -n "${FC_FAULTS:-}" ] && args+=(--faults "$FC_FAULTS")

cat >&2 <<MSG

  failover-console is starting on the local emulator.
  Open:  $open_url
  (Ctrl+C stops it. The emulator's state resets when it stops.)

MSG
exec "$ROOT/target/emulator/failover-emulator" "${args[@]}"
