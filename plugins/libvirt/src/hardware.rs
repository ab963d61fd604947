//! A domain's CPU topology, lifecycle actions, video, TPM and host devices, for the inventory
//! (pure functions).

use virtumancer_libvirt_xml::{DomainInventoryView, Hostdev, Tpm};
use virtumancer_model::{CpuTopology, HostDevice, VmHardware};

/// The hardware of `d` that has no table of its own.
pub(crate) fn of(d: &DomainInventoryView) -> VmHardware {
    let videos = &d.devices.videos;
    // The primary one, or the first (libvirt makes the first primary when none says so).
    let video = videos
        .iter()
        .find(|v| v.model.primary.as_deref() == Some("yes"))
        .or_else(|| videos.first());
    VmHardware {
        cpu_topology: d
            .cpu
            .as_ref()
            .and_then(|c| c.topology.as_ref())
            .map(|t| CpuTopology {
                sockets: t.sockets,
                dies: t.dies,
                cores: t.cores,
                threads: t.threads,
            }),
        on_poweroff: d.on_poweroff.clone(),
        on_reboot: d.on_reboot.clone(),
        on_crash: d.on_crash.clone(),
        video: video.map(|v| v.model.kind.clone()),
        tpm: d.devices.tpms.first().map(tpm),
        host_devices: d.devices.hostdevs.iter().map(host_device).collect(),
    }
}

/// "tpm-crb, emulator 2.0": the model, then the backend and its version, as far as given.
fn tpm(t: &Tpm) -> String {
    let backend = t.backend.as_ref().map(|b| match &b.version {
        Some(v) => format!("{} {v}", b.kind),
        None => b.kind.clone(),
    });
    match (&t.model, backend) {
        (Some(m), Some(b)) => format!("{m}, {b}"),
        (Some(m), None) => m.clone(),
        (None, Some(b)) => b,
        (None, None) => "tpm".to_owned(),
    }
}

/// Strips libvirt's `0x` from an address part.
fn hex(s: &str) -> &str {
    s.strip_prefix("0x").unwrap_or(s)
}

fn host_device(h: &Hostdev) -> HostDevice {
    let kind = h.kind.clone().unwrap_or_else(|| "unknown".to_owned());
    let source = h.source.as_ref().and_then(|s| {
        if let (Some(v), Some(p)) = (&s.vendor, &s.product) {
            return Some(format!("{}:{}", hex(&v.id), hex(&p.id)));
        }
        let a = s.address.as_ref()?;
        match (&a.domain, &a.bus, &a.slot, &a.function, &a.device) {
            (domain, Some(bus), Some(slot), Some(function), _) => {
                let domain = domain.as_deref().map_or("0000", hex);
                Some(format!(
                    "{domain:0>4}:{:0>2}:{:0>2}.{}",
                    hex(bus),
                    hex(slot),
                    hex(function)
                ))
            }
            (_, Some(bus), None, _, Some(device)) => Some(format!("bus {bus} device {device}")),
            _ => None,
        }
    });
    HostDevice {
        kind,
        managed: h.managed.as_deref() == Some("yes"),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of_xml(devices: &str, rest: &str) -> VmHardware {
        let xml = format!(
            "<domain type='kvm'><name>h</name><memory>1024</memory><vcpu>4</vcpu>\
             <os><type>hvm</type></os>{rest}<devices>{devices}</devices></domain>"
        );
        of(&DomainInventoryView::from_xml(&xml).unwrap())
    }

    #[test]
    fn topology_lifecycle_video_tpm_and_host_devices() {
        let h = of_xml(
            "<video><model type='vga'/></video><video><model type='virtio' primary='yes'/></video>\
             <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>\
             <hostdev mode='subsystem' type='pci' managed='yes'><source>\
               <address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/></source></hostdev>\
             <hostdev mode='subsystem' type='usb'><source><vendor id='0x046d'/>\
               <product id='0xc52b'/></source></hostdev>\
             <hostdev mode='subsystem' type='usb'><source><address bus='1' device='4'/></source></hostdev>\
             <hostdev mode='subsystem' type='mdev' model='vfio-pci'><source>\
               <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>",
            "<cpu mode='host-passthrough'><topology sockets='1' dies='1' cores='2' threads='2'/></cpu>\
             <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>\
             <on_crash>coredump-restart</on_crash>",
        );
        assert_eq!(
            h.cpu_topology,
            Some(CpuTopology {
                sockets: 1,
                dies: Some(1),
                cores: 2,
                threads: 2
            })
        );
        assert_eq!(
            (h.on_poweroff.as_deref(), h.on_reboot.as_deref()),
            (Some("destroy"), Some("restart"))
        );
        assert_eq!(h.on_crash.as_deref(), Some("coredump-restart"));
        assert_eq!(h.video.as_deref(), Some("virtio"), "the primary one");
        assert_eq!(h.tpm.as_deref(), Some("tpm-crb, emulator 2.0"));
        let dev = |kind: &str, managed, source: Option<&str>| HostDevice {
            kind: kind.into(),
            managed,
            source: source.map(str::to_owned),
        };
        assert_eq!(
            h.host_devices,
            [
                dev("pci", true, Some("0000:03:00.1")),
                dev("usb", false, Some("046d:c52b")),
                dev("usb", false, Some("bus 1 device 4")),
                // A mediated device's UUID is not read by the typed model: kept, unnamed.
                dev("mdev", false, None),
            ]
        );
    }

    #[test]
    fn a_plain_domain_has_none_and_the_first_video_is_primary() {
        let h = of_xml("<video><model type='qxl'/></video>", "");
        assert_eq!(
            h,
            VmHardware {
                video: Some("qxl".into()),
                ..VmHardware::default()
            }
        );
        assert_eq!(of_xml("", "").tpm, None);
        assert_eq!(
            of_xml("<tpm model='tpm-tis'/>", "").tpm.as_deref(),
            Some("tpm-tis")
        );
    }
}
