#!/usr/bin/env bash
# Builds the Rust example plugins and the hostile test fixtures (examples/plugins, target
# wasm32-wasip2, installed here if missing) and lays each out as an installable plugin
# directory $OUT/<name>/{plugin.toml,<name>.wasm}. Prints $OUT. Quick when nothing changed.
#   VM_PLUGIN_TARGET  cargo target dir of the guests (default: $CARGO_TARGET_DIR/guest or target/guest)
#   VM_PLUGIN_OUT     where the plugin directories go (default: $VM_PLUGIN_TARGET/plugins)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GUEST_TARGET=${VM_PLUGIN_TARGET:-${CARGO_TARGET_DIR:-$ROOT/target}/guest}
OUT=${VM_PLUGIN_OUT:-$GUEST_TARGET/plugins}
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
  rustup target add wasm32-wasip2 >&2
fi
(cd "$ROOT/examples/plugins" &&
  CARGO_TARGET_DIR=$GUEST_TARGET cargo build --release --locked --target wasm32-wasip2 -q >&2)
for crate in "$ROOT"/examples/plugins/*-rs; do
  name=$(basename "$crate" -rs)
  mkdir -p "$OUT/$name"
  cp "$crate/plugin.toml" "$OUT/$name/plugin.toml"
  cp "$GUEST_TARGET/wasm32-wasip2/release/$name.wasm" "$OUT/$name/$name.wasm"
done
echo "$OUT"
