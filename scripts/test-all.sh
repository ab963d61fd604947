#!/usr/bin/env bash
# Everything `make test` (and so CI) runs, in order. Starts the testbed services it needs and
# stops what it started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
NPM_CACHE=${NPM_CONFIG_CACHE:-$HOME/.npm}
export VIRTUMANCER_TESTBED=1
step() { printf '\n==> %s\n' "$*"; }

step "system packages"
bash scripts/install-deps.sh test

step "web dependencies"
(cd web && npm ci --no-audit --no-fund --cache "$NPM_CACHE" --prefer-offline)

step "web build (embedded by the server; debug builds read it from disk)"
(cd web && npm run build)

step "formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "testbed: libvirtd (QEMU, qemu+tcp on 127.0.0.1:${VM_TEST_TCP_PORT:-16599}), sshd (127.0.0.1:${VM_TEST_SSH_PORT:-2222}) Open vSwitch (bridge ${VM_TEST_OVS_BRIDGE:-vmtestovs0}) and a libvirt host in network namespace ${VM_TEST_NS:-vmtest-ns1}"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  bash scripts/testbed/nshost.sh stop || true
  bash scripts/testbed/ovs.sh stop || true
  bash scripts/testbed/sshd.sh stop || true
  bash scripts/testbed/libvirtd.sh stop || true
}
trap cleanup EXIT
bash scripts/testbed/libvirtd.sh start
bash scripts/testbed/sshd.sh start
bash scripts/testbed/ovs.sh start
bash scripts/testbed/nshost.sh start

step "Rust tests"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked
else
  echo "cargo-nextest not found: using cargo test (serially, for the shared testbed)"
  cargo test --workspace --locked -- --test-threads=1
fi

step "web: generated API client matches openapi/openapi.json"
(cd web && npm run check:api)

step "web: typecheck and unit tests"
(cd web && npm run typecheck && npm run test)

step "browser end-to-end tests (Chromium, real server)"
E2E=$(mktemp -d)
cargo build -p virtumancer --locked
"$TARGET/debug/virtumancer" serve --listen 127.0.0.1:0 --data-dir "$E2E" --demo-host false \
  --web-dir web/dist --ready-file "$E2E/ready" >"$E2E/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do [ -s "$E2E/ready" ] && break; sleep 0.1; done
[ -s "$E2E/ready" ] || { echo "e2e server did not start:"; cat "$E2E/server.log"; exit 1; }
SSH_DIR=${VM_TEST_SSH_DIR:-/tmp/virtumancer-testbed/ssh}
export VIRTUMANCER_E2E_SSH_PORT=${VM_TEST_SSH_PORT:-2222}
export VIRTUMANCER_E2E_SSH_KEY=$SSH_DIR/id_ed25519
VIRTUMANCER_E2E_SSH_FINGERPRINT=$(ssh-keygen -lf "$SSH_DIR/ssh_host_ed25519_key.pub" | awk '{print $2}')
export VIRTUMANCER_E2E_SSH_FINGERPRINT
(cd web && VIRTUMANCER_URL="http://$(cat "$E2E/ready")" npx playwright test) || { echo "server log:"; tail -50 "$E2E/server.log"; exit 1; }
kill "$SERVER_PID"; SERVER_PID=
rm -rf "$E2E"
step "all tests passed"
