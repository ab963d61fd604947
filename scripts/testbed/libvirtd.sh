#!/usr/bin/env bash
# The project's real libvirtd (QEMU driver, TCG) for integration tests, without systemd.
#   libvirtd.sh start    start virtlogd + libvirtd: unix socket, qemu+tcp on 127.0.0.1:$VM_TEST_TCP_PORT
#                        and qemu+tls on 127.0.0.1:$VM_TEST_TLS_PORT (client PKI in $STATE/pki/client,
#                        use ?pkipath=$STATE/pki/client; a throw-away CA signs server and client)
#   libvirtd.sh stop     stop the libvirtd and virtlogd this script started (by their pid files)
#   libvirtd.sh restart  stop + start (guests survive)
#   libvirtd.sh status   exit 0 when it answers
# Facts behind the fixes (no libvirt-qemu user, no qemu.conf, virtlogd not socket-activated)
# are in docs/testing.md.
set -euo pipefail
STATE=${VM_TEST_STATE:-/tmp/virtumancer-testbed}
PORT=${VM_TEST_TCP_PORT:-16599}
TLS_PORT=${VM_TEST_TLS_PORT:-16598}
PKI=$STATE/pki
PIDFILE=/run/libvirt/libvirtd.virtumancer.pid
LOGPID=/run/libvirt/virtlogd.virtumancer.pid

# A throw-away CA, a server certificate for 127.0.0.1 and a client certificate.
gen_pki() {
  [ -f "$PKI/client/clientcert.pem" ] && [ -f "$PKI/server/servercert.pem" ] && return 0
  rm -rf "$PKI"; mkdir -p "$PKI/server" "$PKI/client"; chmod 700 "$PKI"
  local q=(-nodes -newkey rsa:2048 -sha256)
  openssl req -x509 "${q[@]}" -days 3650 -subj "/CN=Virtumancer test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$PKI/ca.key" -out "$PKI/cacert.pem" 2>/dev/null
  sign() { # name cn extensions out-dir cert-file key-file
    openssl req "${q[@]}" -subj "/CN=$2" -keyout "$4/$6" -out "$PKI/$1.csr" 2>/dev/null
    printf '%s\n' "$3" > "$PKI/$1.ext"
    openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/cacert.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
      -days 3650 -sha256 -extfile "$PKI/$1.ext" -out "$4/$5" 2>/dev/null
  }
  sign server 127.0.0.1 "basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost" "$PKI/server" servercert.pem serverkey.pem
  sign client virtumancer-test-client "basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth" "$PKI/client" clientcert.pem clientkey.pem
  cp "$PKI/cacert.pem" "$PKI/server/cacert.pem"; cp "$PKI/cacert.pem" "$PKI/client/cacert.pem"
}

prepare() {
  mkdir -p "$STATE" /var/log/libvirt/qemu /var/lib/libvirt/images /run/libvirt /etc/libvirt
  getent group kvm >/dev/null || groupadd -r kvm
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  getent group libvirt >/dev/null || groupadd -r libvirt
  id libvirt-qemu >/dev/null 2>&1 || useradd -r -g kvm -G libvirt-qemu -d /var/lib/libvirt -M -s /usr/sbin/nologin libvirt-qemu
  if [ ! -f /etc/libvirt/qemu.conf ] || ! grep -q virtumancer /etc/libvirt/qemu.conf; then
    cat > /etc/libvirt/qemu.conf <<'CONF'
# virtumancer testbed: no libvirt-daemon-system package; guests run as root under TCG
user = "root"
group = "root"
swtpm_user = "root"
swtpm_group = "root"
dynamic_ownership = 1
remember_owner = 0
vnc_listen = "127.0.0.1"
security_driver = "none"
CONF
  fi
  gen_pki
  cat > "$STATE/libvirtd.conf" <<CONF
auth_unix_rw = "none"
max_clients = 5000
max_anonymous_clients = 1000
log_outputs = "3:file:$STATE/libvirtd.log"
listen_tls = 1
tls_port = "$TLS_PORT"
auth_tls = "none"
key_file = "$PKI/server/serverkey.pem"
cert_file = "$PKI/server/servercert.pem"
ca_file = "$PKI/server/cacert.pem"
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$PORT"
auth_tcp = "none"
CONF
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  prepare
  if ! { [ -f "$LOGPID" ] && kill -0 "$(cat "$LOGPID")" 2>/dev/null; }; then
    virtlogd -d -p "$LOGPID"
  fi
  if ! running; then
    /usr/sbin/libvirtd -d --listen -f "$STATE/libvirtd.conf" -p "$PIDFILE"
  fi
  for _ in $(seq 1 100); do
    if virsh -c "qemu+tcp://127.0.0.1:$PORT/system" uri >/dev/null 2>&1; then
      echo "libvirtd pid $(cat "$PIDFILE") on qemu:///system, qemu+tcp://127.0.0.1:$PORT/system and qemu+tls://127.0.0.1:$TLS_PORT/system?pkipath=$PKI/client"
      return 0
    fi
    sleep 0.1
  done
  echo "libvirtd did not come up; log: $STATE/libvirtd.log" >&2
  return 1
}

stop_virtlogd() {
  [ -s "$LOGPID" ] || return 0
  local pid; pid=$(cat "$LOGPID")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$LOGPID"
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # PID 1 here may not reap: a zombie is gone for our purposes
    if kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
}

case "${1:-}" in
  start) start ;;
  # virtlogd outlives a restart (running guests keep their log pipes), not a stop.
  stop) stop; stop_virtlogd ;;
  restart) stop; start ;;
  status) running && virsh -c "qemu+tcp://127.0.0.1:$PORT/system" uri >/dev/null ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
