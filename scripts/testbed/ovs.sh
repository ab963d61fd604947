#!/usr/bin/env bash
# Open vSwitch for the networking tests, without systemd: ovsdb-server + ovs-vswitchd on the
# default socket /var/run/openvswitch/db.sock (libvirt runs ovs-vsctl against it) and one
# bridge, $VM_TEST_OVS_BRIDGE, on the userspace datapath (this kernel has no openvswitch
# module, so bridges must be datapath_type=netdev).
#   ovs.sh start    start both daemons (unless an OVS already answers) and add the bridge
#   ovs.sh stop     remove the bridge; stop the daemons only if this script started them
#   ovs.sh status   exit 0 when the bridge exists
set -euo pipefail
STATE=${VM_TEST_STATE:-/tmp/virtumancer-testbed}/ovs
BRIDGE=${VM_TEST_OVS_BRIDGE:-vmtestovs0}
RUN=/var/run/openvswitch
MINE=$STATE/started-by-virtumancer

answers() { ovs-vsctl --timeout=2 show >/dev/null 2>&1; }

start() {
  command -v ovs-vswitchd >/dev/null || { echo "ovs.sh: openvswitch-switch is not installed" >&2; exit 1; }
  mkdir -p "$STATE" "$RUN"
  if answers; then
    echo "ovs already running (not ours)"
  else
    rm -f "$STATE/conf.db"
    ovsdb-tool create "$STATE/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$STATE/conf.db" --remote=punix:$RUN/db.sock --pidfile --detach \
      --log-file="$STATE/ovsdb-server.log" >/dev/null 2>&1
    ovs-vsctl --no-wait init
    ovs-vswitchd unix:$RUN/db.sock --pidfile --detach --log-file="$STATE/ovs-vswitchd.log" \
      >/dev/null 2>&1
    touch "$MINE"
    for _ in $(seq 1 100); do answers && break; sleep 0.1; done
    answers || { echo "ovs did not start; see $STATE/*.log" >&2; exit 1; }
  fi
  ovs-vsctl --may-exist add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev
  ip link set "$BRIDGE" up
  echo "ovs bridge $BRIDGE (netdev datapath); ovs-vswitchd pid $(cat $RUN/ovs-vswitchd.pid 2>/dev/null || echo '?')"
}

stop() {
  answers && ovs-vsctl --if-exists del-br "$BRIDGE" || true
  if [ -f "$MINE" ]; then
    for d in ovs-vswitchd ovsdb-server; do
      [ -f "$RUN/$d.pid" ] && kill "$(cat "$RUN/$d.pid")" 2>/dev/null || true
    done
    rm -f "$MINE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers && ovs-vsctl br-exists "$BRIDGE" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
