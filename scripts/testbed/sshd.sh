#!/usr/bin/env bash
# A throw-away, key-only sshd on 127.0.0.1 for qemu+ssh tests.
#   sshd.sh start   create host + client keys in $DIR, start sshd on $VM_TEST_SSH_PORT
#   sshd.sh stop    stop it (by pid file)
# Client key: $DIR/id_ed25519; host key: $DIR/ssh_host_ed25519_key.
set -euo pipefail
PORT=${VM_TEST_SSH_PORT:-2222}
DIR=${VM_TEST_SSH_DIR:-/tmp/virtumancer-testbed/ssh}
start() {
  mkdir -p "$DIR" /run/sshd
  chmod 700 "$DIR"
  [ -f "$DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$DIR/ssh_host_ed25519_key"
  [ -f "$DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C virtumancer-test -f "$DIR/id_ed25519"
  [ -f "$DIR/wrong_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C not-authorized -f "$DIR/wrong_ed25519"
  cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"; chmod 600 "$DIR/authorized_keys"
  cat > "$DIR/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/ssh_host_ed25519_key
PidFile $DIR/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile $DIR/authorized_keys
StrictModes no
LogLevel INFO
CONF
  if [ -f "$DIR/sshd.pid" ] && kill -0 "$(cat "$DIR/sshd.pid")" 2>/dev/null; then echo "sshd already running"; return 0; fi
  /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"
  for _ in $(seq 1 50); do
    if ssh-keyscan -T 2 -p "$PORT" 127.0.0.1 >/dev/null 2>&1 && [ -f "$DIR/sshd.pid" ]; then
      echo "sshd pid $(cat "$DIR/sshd.pid") on 127.0.0.1:$PORT"; return 0
    fi
    sleep 0.1
  done
  echo "sshd did not come up; see $DIR/sshd.log" >&2; return 1
}
stop() {
  [ -f "$DIR/sshd.pid" ] || return 0
  local pid; pid=$(cat "$DIR/sshd.pid")
  kill "$pid" 2>/dev/null || true
  # Wait until it has let go of the port, so a restart can bind it again (zombies count as gone:
  # PID 1 here may not reap).
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then break; fi
    sleep 0.05
  done
  rm -f "$DIR/sshd.pid"
}
case "${1:-}" in
  start) start ;; stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
