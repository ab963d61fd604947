//! What a compute driver reports about one VM: its normalized configuration.

use crate::{PowerState, VmHardware};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A VM as found on a host, normalized from the hypervisor's configuration. Everything but
/// `state` is configuration and feeds the config hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmInventory {
    /// Hypervisor UUID (stable across renames).
    pub uuid: String,
    /// Hypervisor name (unique per host).
    pub name: String,
    /// Short description.
    pub title: Option<String>,
    /// Long description.
    pub description: Option<String>,
    /// Run state (not part of the config hash).
    pub state: PowerState,
    /// Whether the hypervisor keeps a persistent definition (false for transient VMs).
    pub persistent: bool,
    /// Whether the host starts the VM when it boots. (Plugins that do not report it leave it
    /// off.)
    #[serde(default)]
    pub autostart: bool,
    /// Maximum vCPUs.
    pub vcpus: u32,
    /// vCPUs online at boot.
    pub current_vcpus: u32,
    /// Memory at boot, bytes.
    pub memory_bytes: u64,
    /// Balloon target, bytes.
    pub current_memory_bytes: u64,
    /// Hot-plug ceiling, bytes.
    pub max_memory_bytes: Option<u64>,
    /// `bios` or `efi`.
    pub firmware: String,
    /// `hvm`, `linux`, `exe`.
    pub os_type: String,
    /// Guest architecture.
    pub arch: Option<String>,
    /// Machine type, e.g. `pc-q35-7.2`.
    pub machine: Option<String>,
    /// CPU mode (`host-passthrough`, `custom`…).
    pub cpu_mode: Option<String>,
    /// CPU model name.
    pub cpu_model: Option<String>,
    /// Boot devices in order (`hd`, `cdrom`, `network`, `fd`).
    pub boot_devices: Vec<String>,
    /// Disks, CD-ROMs, floppies and LUNs in document order.
    pub disks: Vec<DiskInventory>,
    /// Network interfaces in document order.
    pub nics: Vec<NicInventory>,
    /// Graphical consoles.
    pub graphics: Vec<GraphicsInventory>,
    /// Serial ports and text consoles, in document order (serial ports first).
    pub consoles: Vec<ConsoleInventory>,
    /// CPU topology, lifecycle actions, video, TPM and host devices.
    pub hardware: VmHardware,
}

/// One disk attachment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiskInventory {
    /// `disk`, `cdrom`, `floppy`, `lun`.
    pub device: String,
    /// Source type: `file`, `block`, `network`, `volume`, `dir`, …
    pub kind: String,
    /// Guest device name, e.g. `vda`.
    pub target: String,
    /// Bus: `virtio`, `sata`, `scsi`, `ide`, …
    pub bus: Option<String>,
    /// File or device path (file, block, dir).
    pub source_path: Option<String>,
    /// Storage pool (volume disks, or the pool whose volume has this path).
    pub pool: Option<String>,
    /// Volume name within `pool`.
    pub volume: Option<String>,
    /// Network protocol (`nbd`, `iscsi`, `rbd`…) for network disks.
    pub protocol: Option<String>,
    /// Remote name (export, image, IQN) for network disks.
    pub remote_name: Option<String>,
    /// Image format, e.g. `qcow2`, `raw`.
    pub format: Option<String>,
    /// Read-only.
    pub readonly: bool,
    /// Shareable between VMs.
    pub shareable: bool,
    /// Per-device boot order.
    pub boot_order: Option<u32>,
    /// Disk serial.
    pub serial: Option<String>,
    /// Guest-visible size, bytes (from the pool volume or block info).
    pub capacity_bytes: Option<u64>,
    /// Bytes allocated on the host.
    pub allocation_bytes: Option<u64>,
}

/// One network interface. Kinds no driver knows are kept with what could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NicInventory {
    /// `network`, `bridge`, `direct`, `ethernet`, `user`, `vhostuser`, …
    pub kind: String,
    /// MAC address.
    pub mac: Option<String>,
    /// NIC model, e.g. `virtio`.
    pub model: Option<String>,
    /// libvirt network name.
    pub network: Option<String>,
    /// Host bridge.
    pub bridge: Option<String>,
    /// Portgroup of `network`.
    pub portgroup: Option<String>,
    /// Host device (direct/macvtap) or socket path (vhostuser).
    pub source_dev: Option<String>,
    /// Source mode (`bridge`, `vepa`, `private`, `passthrough`, `client`, `server`).
    pub source_mode: Option<String>,
    /// VLAN tags in document order.
    pub vlan_tags: Vec<u16>,
    /// Trunk port.
    pub trunk: bool,
    /// Native VLAN of a trunk.
    pub native_vlan: Option<u16>,
    /// `openvswitch`, `802.1Qbg`, …
    pub virtualport_type: Option<String>,
    /// Virtual port interface id (OVS).
    pub interface_id: Option<String>,
    /// Host tap device (live).
    pub target_dev: Option<String>,
    /// `up` or `down`.
    pub link_state: Option<String>,
    /// The kind a plugin recognized this NIC as (e.g. `macvtap`, with the plugin's id);
    /// not stored: filled in when a VM is read, while the plugin is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_kind: Option<PluginKind>,
}

/// A NIC kind a plugin recognized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PluginKind {
    /// The kind, e.g. `macvtap`.
    pub kind: String,
    /// The plugin's id.
    pub plugin: String,
    /// The kind's settings as the plugin read them.
    pub params: std::collections::BTreeMap<String, String>,
}

/// One graphical console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GraphicsInventory {
    /// `vnc`, `spice`, …
    pub kind: String,
    /// Port (live, or fixed).
    pub port: Option<i32>,
    /// Port chosen automatically.
    pub autoport: bool,
    /// Listen address.
    pub listen: Option<String>,
    /// A password is set (the password itself is never stored).
    pub has_password: bool,
}

/// A serial port or a text console: what a serial console in the browser attaches to. libvirt
/// lists the first serial port a second time as a `<console>` of target type `serial`; that
/// repetition is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleInventory {
    /// `serial` (a serial port) or `console` (a console of its own, e.g. `virtio`).
    pub kind: String,
    /// The device the guest sees: `isa-serial`, `pci-serial`, `usb-serial`, `virtio`, `sclp`…
    /// as libvirt names the target's type, when it does.
    pub target_type: Option<String>,
    /// The target's port.
    pub port: Option<u32>,
    /// Where the host end goes: `pty`, `unix`, `tcp`, `file`, `null`, `spicevmc`…
    pub source_type: String,
    /// The host end: a socket's or file's path, or `host:service`. Never a pty's path: that is
    /// a running VM's and changes at every start.
    pub source: Option<String>,
}
