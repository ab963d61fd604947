#!/usr/bin/env bash
# A second libvirt host in its own network and mount namespaces, for tests that need host
# networking the root namespace must not get (NAT with ip_forward and MASQUERADE, Linux bridges).
#   nshost.sh start    netns $NS with eth0 = $IP/24 (veth to $ROOT_IF = 10.78.0.1/24 in the root
#                      namespace; no default route, the root namespace does not forward), and in it
#                      virtlogd + libvirtd (QEMU, TCG) on qemu+tcp://$IP:16509/system, auth none.
#                      The host's libvirt directories are private bind mounts of $DIR/{etc,run,lib,
#                      log,cache}; from the root namespace its socket is
#                      qemu+unix:///system?socket=$DIR/run/libvirt-sock
#   nshost.sh stop     destroy its guests and networks, stop its daemons (by PID), delete the netns
#   nshost.sh status   exit 0 when it answers
#   nshost.sh exec CMD run CMD in the host's namespaces (network + mount)
# The hostname stays the machine's (a name the namespace cannot resolve makes every guest start
# wait 10 s for getaddrinfo). libvirt runs without cgroups in there (sysfs is remounted).
set -euo pipefail
NS=${VM_TEST_NS:-vmtest-ns1}
IP=${VM_TEST_NS_IP:-10.78.0.11}
ROOT_IP=${VM_TEST_NS_ROOT_IP:-10.78.0.1}
ROOT_IF=${VM_TEST_NS_ROOT_IF:-vmtns1}
DIR=${VM_TEST_NS_DIR:-/tmp/virtumancer-testbed/nshost}
SOCK_URI="qemu+unix:///system?socket=$DIR/run/libvirt-sock"
URI="qemu+tcp://$IP/system"

prepare() {
  mkdir -p "$DIR"/{etc,run,lib/images,log/qemu,cache}
  # autostart happens once per "boot" of a libvirtd, marked by files in /run/libvirt.
  find "$DIR/run" -name autostarted -delete 2>/dev/null || true
  cat > "$DIR/etc/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "$IP"
auth_tcp = "none"
auth_unix_rw = "none"
max_clients = 5000
max_anonymous_clients = 1000
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
  cat > "$DIR/etc/qemu.conf" <<'CONF'
# virtumancer namespace host: guests run as root under TCG, no security driver
user = "root"
group = "root"
swtpm_user = "root"
swtpm_group = "root"
dynamic_ownership = 1
remember_owner = 0
security_driver = "none"
vnc_listen = "127.0.0.1"
CONF
  cat > "$DIR/boot.sh" <<BOOT
set -e
mount --make-rprivate /
for p in etc:/etc/libvirt run:/run/libvirt lib:/var/lib/libvirt log:/var/log/libvirt cache:/var/cache/libvirt; do
  mkdir -p "\${p#*:}"; mount --bind "$DIR/\${p%%:*}" "\${p#*:}"
done
ip link set lo up
virtlogd -d -p /run/libvirt/virtlogd.pid
exec /usr/sbin/libvirtd --listen -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid
BOOT
}

answers() { virsh -c "$URI" uri >/dev/null 2>&1; }
daemon_pid() { cat "$DIR/libvirtd.nspid" 2>/dev/null; }
running() { local p; p=$(daemon_pid) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

network() {
  ip netns list | grep -qx "$NS\( .*\)\?" || ip netns add "$NS"
  if ! ip link show "$ROOT_IF" >/dev/null 2>&1; then
    ip link add "$ROOT_IF" type veth peer name eth0 netns "$NS"
    ip addr add "$ROOT_IP/24" dev "$ROOT_IF"
    ip link set "$ROOT_IF" up
    ip -n "$NS" addr add "$IP/24" dev eth0
    ip -n "$NS" link set eth0 up
    ip -n "$NS" link set lo up
  fi
}

start() {
  prepare
  network
  if ! running; then
    nohup ip netns exec "$NS" unshare --mount --propagation private bash "$DIR/boot.sh" \
      > "$DIR/libvirtd.out" 2>&1 &
    echo $! > "$DIR/libvirtd.nspid" # libvirtd itself: boot.sh exec()s it
  fi
  for _ in $(seq 1 100); do
    if answers; then
      echo "namespace host $NS: libvirtd pid $(daemon_pid) on $URI and $SOCK_URI"
      return 0
    fi
    sleep 0.1
  done
  echo "the namespace host's libvirtd did not come up; see $DIR/libvirtd.out and $DIR/log/libvirtd.log" >&2
  return 1
}

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  # PID 1 here may not reap: a zombie is gone for our purposes
  grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
}

stop() {
  if answers; then
    # Guests and networks first: their qemu and dnsmasq processes outlive libvirtd.
    for dom in $(virsh -c "$URI" list --name 2>/dev/null); do
      virsh -c "$URI" destroy "$dom" >/dev/null 2>&1 || true
    done
    for net in $(virsh -c "$URI" net-list --name 2>/dev/null); do
      virsh -c "$URI" net-destroy "$net" >/dev/null 2>&1 || true
    done
  fi
  if running; then stop_pid "$(daemon_pid)"; fi
  rm -f "$DIR/libvirtd.nspid"
  if [ -s "$DIR/run/virtlogd.pid" ]; then stop_pid "$(cat "$DIR/run/virtlogd.pid")"; fi
  rm -f "$DIR/run/virtlogd.pid"
  ip link del "$ROOT_IF" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running && answers ;;
  exec) shift; running || { echo "namespace host not running" >&2; exit 1; }
        exec nsenter -t "$(daemon_pid)" -n -m -- "$@" ;;
  *) echo "usage: $0 start|stop|status|exec CMD…" >&2; exit 2 ;;
esac
