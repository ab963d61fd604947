#!/usr/bin/env bash
# Builds the example plugins and the hostile test fixtures (examples/plugins) and lays each out
# as an installable plugin directory $OUT/<name>/{plugin.toml,<name>.wasm}. Prints $OUT. Quick
# when nothing changed.
#   *-rs  Rust crates of one cargo workspace, target wasm32-wasip2 (installed here if missing)
#   *-c   C plugins: bindings from sdk/wit (xtask c-bindings), clang for wasm32-wasi (Debian's
#         clang-14, lld-14, wasi-libc, libclang-rt-14-dev-wasm32), then xtask componentize
#   VM_PLUGIN_TARGET  cargo target dir of the guests (default: $CARGO_TARGET_DIR/guest or target/guest)
#   VM_PLUGIN_OUT     where the plugin directories go (default: $VM_PLUGIN_TARGET/plugins)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GUEST_TARGET=${VM_PLUGIN_TARGET:-${CARGO_TARGET_DIR:-$ROOT/target}/guest}
OUT=${VM_PLUGIN_OUT:-$GUEST_TARGET/plugins}
# Test processes run this at the same time: one builds, the others wait, and files are replaced
# by renames, so a reader never sees half a file.
mkdir -p "$GUEST_TARGET"
exec 9>"$GUEST_TARGET/.build-plugins.lock"
flock 9
# put SRC DEST: replaces DEST by SRC's content (unchanged files are left alone).
put() {
  cmp -s "$1" "$2" && return 0
  cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}
if ! rustup target list --installed | grep -qx wasm32-wasip2; then
  rustup target add wasm32-wasip2 >&2
fi
(cd "$ROOT/examples/plugins" &&
  CARGO_TARGET_DIR=$GUEST_TARGET cargo build --release --locked --target wasm32-wasip2 -q >&2)
for crate in "$ROOT"/examples/plugins/*-rs; do
  name=$(basename "$crate" -rs)
  mkdir -p "$OUT/$name"
  put "$crate/plugin.toml" "$OUT/$name/plugin.toml"
  put "$GUEST_TARGET/wasm32-wasip2/release/$name.wasm" "$OUT/$name/$name.wasm"
done
# C plugins. The xtask tools get a target dir of their own (tests call this script while cargo
# may hold the main one).
XTASK="$GUEST_TARGET/host-tools/debug/xtask"
(cd "$ROOT" && CARGO_TARGET_DIR=$GUEST_TARGET/host-tools cargo build -q --locked -p xtask --features wasm-c >&2)
for plugin in "$ROOT"/examples/plugins/*-c; do
  name=$(basename "$plugin" -c)
  work="$GUEST_TARGET/c/$name"
  mkdir -p "$work" "$OUT/$name"
  "$XTASK" c-bindings --wit "$ROOT/sdk/wit" --world virtumancer-plugin --out "$work" >&2
  clang-14 --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Wextra -Werror -I"$work" \
    "$plugin"/*.c "$work/virtumancer_plugin.c" "$work/virtumancer_plugin_component_type.o" \
    -o "$work/core.wasm" >&2
  "$XTASK" componentize --core "$work/core.wasm" --out "$work/$name.wasm" >&2
  put "$work/$name.wasm" "$OUT/$name/$name.wasm"
  put "$plugin/plugin.toml" "$OUT/$name/plugin.toml"
done
# A second version of the C example (0.2.0, e1000 allowed by default), for the reload test.
v2="$OUT/nic-models-0.2.0"
mkdir -p "$v2"
clang-14 --target=wasm32-wasi -mexec-model=reactor -O2 -Wall -Wextra -Werror \
  -DPLUGIN_VERSION='"0.2.0"' -DDEFAULT_MODELS='"virtio,e1000"' -I"$GUEST_TARGET/c/nic-models" \
  "$ROOT/examples/plugins/nic-models-c/plugin.c" "$GUEST_TARGET/c/nic-models/virtumancer_plugin.c" \
  "$GUEST_TARGET/c/nic-models/virtumancer_plugin_component_type.o" -o "$GUEST_TARGET/c/nic-models/core-0.2.0.wasm" >&2
"$XTASK" componentize --core "$GUEST_TARGET/c/nic-models/core-0.2.0.wasm" \
  --out "$GUEST_TARGET/c/nic-models/nic-models-0.2.0.wasm" >&2
put "$GUEST_TARGET/c/nic-models/nic-models-0.2.0.wasm" "$v2/nic-models.wasm"
sed 's/^version = "0.1.0"/version = "0.2.0"/' "$ROOT/examples/plugins/nic-models-c/plugin.toml" \
  > "$GUEST_TARGET/c/nic-models/plugin-0.2.0.toml"
put "$GUEST_TARGET/c/nic-models/plugin-0.2.0.toml" "$v2/plugin.toml"
echo "$OUT"
