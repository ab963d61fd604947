#!/usr/bin/env bash
# A tiny bootable Linux guest for QEMU (TCG) lifecycle tests: direct kernel boot, no OS image.
#   tiny-guest.sh [build]           build once (cached in $DIR) and print the paths of vmlinuz and initrd.gz
#   tiny-guest.sh rebuild           drop the cache (incl. downloaded .debs) and build again
#   tiny-guest.sh xml NAME DISK     print a domain XML: 128 MiB, 1 vCPU, ACPI, qcow2 DISK as virtio vda,
#                                   no NIC (needs no libvirt network), pty serial logged to
#                                   /var/log/libvirt/qemu/NAME-serial.log, VNC on 127.0.0.1, balloon stats
#   tiny-guest.sh disk PATH         create a 64M qcow2 at PATH unless it exists; print PATH
# The guest loads virtio (pci, net, blk, balloon, console) + button/evdev, starts busybox acpid so the
# ACPI power button (virsh shutdown; virsh reboot, which libvirt fakes with a power-off) runs
# 'poweroff -f', reads 4 MiB and writes 1 MiB of /dev/vda (so block stats are non-zero), sets eth* up
# and asks for a DHCP lease on each when there is one, prints "tiny-guest: ready" on the serial console once it reacts to the power
# button, and keeps a root shell on ttyS0 (virsh console). Boot to "ready" takes a few seconds under TCG.
# Nothing is installed system-wide for the build: the Debian cloud kernel and busybox-static are
# fetched with 'apt-get download' and unpacked with dpkg-deb. 'disk' installs qemu-utils if needed.
set -euo pipefail
DIR=${VM_TEST_GUEST_DIR:-/var/cache/virtumancer-testbed/guest}
KERNEL=$DIR/vmlinuz
INITRD=$DIR/initrd.gz
STAMP=$DIR/stamp
# Modules wanted in the guest; their dependencies are found with modinfo and loaded first.
MODULES="virtio_pci virtio_net virtio_blk virtio_balloon virtio_console button evdev"

die() { echo "tiny-guest.sh: $*" >&2; exit 1; }

# The cache is valid for the exact script that built it: editing the recipe rebuilds (the .debs stay).
recipe() { sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1; }
built() { [ -s "$KERNEL" ] && [ -s "$INITRD" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$(recipe)" ]; }

# apt-cache/apt-get need package lists; a fresh container may have none.
apt_lists() {
  compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || apt-get update -qq >&2
}

# linux-image-cloud-amd64 is a metapackage; the real kernel is its linux-image-<abi>-cloud-amd64 dependency.
kernel_package() {
  apt_lists
  apt-cache depends linux-image-cloud-amd64 \
    | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# /init of the guest (PID 1). Runs under busybox sh; modules come from /lib/modules/load-order.
write_init() {
  cat > "$1" <<'INIT'
#!/bin/busybox sh
# PID 1 of the virtumancer tiny test guest (built by scripts/testbed/tiny-guest.sh).
/bin/busybox --install -s /bin
export PATH=/bin PS1='tiny-guest# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "tiny-guest: $*" > /dev/console; }
while read -r m; do insmod "/lib/modules/$m.ko" || say "insmod $m failed"; done < /lib/modules/load-order
hostname tiny-guest
ip link set lo up
for n in /sys/class/net/eth*; do [ -e "$n" ] && ip link set "${n##*/}" up; done
# Ask for a DHCP lease on each NIC in the background (the lease shows in libvirt's network; the
# address is not configured, nothing in the guest needs it).
for n in /sys/class/net/eth*; do [ -e "$n" ] && udhcpc -i "${n##*/}" -b -q -t 5 -s /bin/true >/dev/null 2>&1; done
# busybox acpid maps the power button (KEY_POWER on evdev) to /etc/acpi/PWRF/00000080.
mkdir -p /etc/acpi/PWRF
printf '#!/bin/sh\necho "tiny-guest: ACPI power button, powering off" > /dev/console\nsync\npoweroff -f\n' \
  > /etc/acpi/PWRF/00000080
chmod 755 /etc/acpi/PWRF/00000080
# acpid opens the event devices present when it starts: wait (max 5 s) for the power button's.
i=0
until grep -qs 'Power Button' /sys/class/input/event*/device/name || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
acpid -c /etc/acpi -l /var/log/acpid.log
if [ -b /dev/vda ]; then
  dd if=/dev/vda of=/dev/null bs=64k count=64 2>/dev/null && say "read 4 MiB from vda"
  dd if=/dev/zero of=/dev/vda bs=64k count=16 seek=256 conv=fsync 2>/dev/null && say "wrote 1 MiB to vda"
fi
say "ready, kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s, power button wait ${i}x0.1 s"
while :; do setsid cttyhack sh -l < /dev/ttyS0 > /dev/ttyS0 2>&1; sleep 1; done
INIT
  chmod 755 "$1"
}

build() {
  built && return 0
  mkdir -p "$DIR" "$DIR/debs"
  exec 9> "$DIR/.lock"
  flock 9
  built && return 0 # another caller built it while we waited
  local kpkg tmp
  kpkg=$(kernel_package)
  [ -n "$kpkg" ] || die "cannot resolve the kernel of linux-image-cloud-amd64 (apt-cache depends)"
  echo "tiny-guest.sh: building $DIR from $kpkg + busybox-static" >&2
  local p
  for p in "$kpkg" busybox-static; do
    compgen -G "$DIR/debs/${p}_*.deb" >/dev/null || (cd "$DIR/debs" && apt-get download -q -o APT::Sandbox::User=root "$p" >&2)
  done
  tmp=$(mktemp -d "$DIR/.build.XXXXXX")
  # shellcheck disable=SC2064 # expand $tmp now
  trap "rm -rf '$tmp'" EXIT
  for p in "$DIR/debs/${kpkg}"_*.deb "$DIR/debs"/busybox-static_*.deb; do dpkg-deb -x "$p" "$tmp/pkg"; done

  local kver moddir bb
  kver=${kpkg#linux-image-}
  moddir=$tmp/pkg/lib/modules/$kver
  [ -f "$tmp/pkg/boot/vmlinuz-$kver" ] && [ -d "$moddir" ] || die "$kpkg has no vmlinuz-$kver or modules"
  bb=$tmp/pkg/bin/busybox
  local applets
  applets=" $("$bb" --list | tr '\n' ' ') "
  for p in acpid cttyhack setsid insmod ip dd poweroff cpio; do
    [[ $applets == *" $p "* ]] || die "busybox-static lacks the $p applet"
  done

  local root=$tmp/initrd
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,etc,var/log,var/run,lib/modules}
  cp "$bb" "$root/bin/busybox"
  write_init "$root/init"

  # Copy a module (decompressed) after its dependencies; built-in ones need nothing.
  local -A seen=()
  add_module() {
    local m=$1 f d
    [ -n "${seen[$m]:-}" ] && return 0
    seen[$m]=1
    f=$(find "$moddir" \( -name "${m//_/[_-]}.ko" -o -name "${m//_/[_-]}.ko.xz" -o -name "${m//_/[_-]}.ko.zst" \) -print -quit)
    if [ -z "$f" ]; then
      grep -qE "/${m//_/[_-]}\.ko$" "$moddir/modules.builtin" || die "module $m not in $kpkg"
      return 0
    fi
    for d in $(modinfo -F depends "$f" | tr ',' ' '); do add_module "$d"; done
    case $f in
      *.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
      *.zst) zstd -qdc "$f" > "$root/lib/modules/$m.ko" ;;
      *) cp "$f" "$root/lib/modules/$m.ko" ;;
    esac
    echo "$m" >> "$root/lib/modules/load-order"
  }
  for p in $MODULES; do add_module "$p"; done

  (cd "$root" && find . | "$bb" cpio -o -H newc 2>/dev/null) | gzip -9 > "$tmp/initrd.gz"
  cp "$tmp/pkg/boot/vmlinuz-$kver" "$tmp/vmlinuz"
  # Renames keep running guests and concurrent readers on complete files.
  mv -f "$tmp/vmlinuz" "$KERNEL"
  mv -f "$tmp/initrd.gz" "$INITRD"
  recipe > "$STAMP"
  echo "tiny-guest.sh: built $KERNEL ($kver) and $INITRD ($(du -k "$INITRD" | cut -f1) KiB)" >&2
}

xml_escape() {
  local s=$1
  s=${s//'&'/'&amp;'}
  s=${s//'<'/'&lt;'}
  s=${s//'>'/'&gt;'}
  s=${s//"'"/'&apos;'}
  printf '%s' "$s"
}

xml() {
  local name disk
  name=$(xml_escape "$1")
  disk=$(xml_escape "$(realpath -m "$2")")
  build
  cat <<XML
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <currentMemory unit='MiB'>128</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$KERNEL</kernel>
    <initrd>$INITRD</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'>
      <log file='/var/log/libvirt/qemu/$name-serial.log' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
    <memballoon model='virtio'><stats period='2'/></memballoon>
  </devices>
</domain>
XML
}

disk() {
  local path=$1
  if [ ! -e "$path" ]; then
    if ! command -v qemu-img >/dev/null; then
      apt_lists
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-utils >&2
    fi
    mkdir -p "$(dirname "$path")"
    qemu-img create -q -f qcow2 "$path.tmp.$$" 64M
    mv -f "$path.tmp.$$" "$path"
  fi
  echo "$path"
}

case "${1:-build}" in
  build) build; echo "$KERNEL"; echo "$INITRD" ;;
  rebuild) rm -rf "$STAMP" "$DIR/debs"; build; echo "$KERNEL"; echo "$INITRD" ;;
  xml) [ $# -eq 3 ] || die "usage: $0 xml NAME DISK_PATH"; xml "$2" "$3" ;;
  disk) [ $# -eq 2 ] || die "usage: $0 disk PATH"; disk "$2" ;;
  *) echo "usage: $0 [build|rebuild|xml NAME DISK_PATH|disk PATH]" >&2; exit 2 ;;
esac
