#!/usr/bin/env bash
# Installs the system packages Virtumancer needs on Debian 12 (as root, or with sudo).
#   install-deps.sh run    building and running the server (libvirt headers, pkg-config, Node.js)
#   install-deps.sh test   + what the tests use: libvirt daemon with QEMU, openssh-server, Chromium
# Packages already present are not reinstalled; `apt-get update` runs only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PKGS=(pkg-config libvirt-dev libvirt0 ca-certificates)
# libvirt-daemon-system is deliberately absent: it pulls in systemd, polkit and firewalld. The
# test scripts start libvirtd themselves (docs/testing.md).
TEST_PKGS=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
           openssh-server openssh-client netcat-openbsd openssl chromium openvswitch-switch
           dnsmasq-base iptables iproute2 clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)

want=("${RUN_PKGS[@]}")
[ "${1:-run}" = test ] && want+=("${TEST_PKGS[@]}")
command -v node >/dev/null 2>&1 || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Node.js >= 20.19 is needed for the web build (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo (Rust 1.95) is needed: https://rustup.rs" >&2; exit 1; }
