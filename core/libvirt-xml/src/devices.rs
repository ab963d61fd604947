//! `<devices>` of a domain and the smaller device kinds.

use crate::common::Alias;
use crate::{Disk, Interface};
use serde::{Deserialize, Serialize};

/// `<devices>`. Device kinds not listed here stay in the lossless tree
/// ([`crate::DomainDocument`]) and are never dropped on edits.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Devices {
    /// `<emulator>` path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulator: Option<String>,
    /// `<disk>` entries.
    #[serde(rename = "disk", default, skip_serializing_if = "Vec::is_empty")]
    pub disks: Vec<Disk>,
    /// `<interface>` entries.
    #[serde(rename = "interface", default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<Interface>,
    /// `<graphics>` entries.
    #[serde(rename = "graphics", default, skip_serializing_if = "Vec::is_empty")]
    pub graphics: Vec<Graphics>,
    /// `<video>` entries.
    #[serde(rename = "video", default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
    /// `<serial>` entries.
    #[serde(rename = "serial", default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<CharDevice>,
    /// `<console>` entries.
    #[serde(rename = "console", default, skip_serializing_if = "Vec::is_empty")]
    pub consoles: Vec<CharDevice>,
    /// `<channel>` entries.
    #[serde(rename = "channel", default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<CharDevice>,
    /// `<tpm>` entries.
    #[serde(rename = "tpm", default, skip_serializing_if = "Vec::is_empty")]
    pub tpms: Vec<Tpm>,
    /// `<hostdev>` entries.
    #[serde(rename = "hostdev", default, skip_serializing_if = "Vec::is_empty")]
    pub hostdevs: Vec<Hostdev>,
    /// `<memballoon>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memballoon: Option<Memballoon>,
}

/// `<graphics>`: VNC, SPICE, RDP…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graphics {
    /// `@type`: `vnc`, `spice`, `rdp`, `sdl`, `egl-headless`, `dbus`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@port`; `-1` before start with autoport.
    #[serde(rename = "@port", default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// `@tlsPort` (SPICE).
    #[serde(rename = "@tlsPort", default, skip_serializing_if = "Option::is_none")]
    pub tls_port: Option<i32>,
    /// `@autoport`: `yes`/`no`.
    #[serde(rename = "@autoport", default, skip_serializing_if = "Option::is_none")]
    pub autoport: Option<String>,
    /// `@listen` (legacy form of `<listen>`).
    #[serde(rename = "@listen", default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `@passwd`: present only in secure dumps; Virtumancer stores only whether one is set.
    #[serde(rename = "@passwd", default, skip_serializing_if = "Option::is_none")]
    pub passwd: Option<String>,
    /// `<listen>` entries.
    #[serde(rename = "listen", default, skip_serializing_if = "Vec::is_empty")]
    pub listens: Vec<GraphicsListen>,
}

impl Graphics {
    /// The address the display listens on, from `<listen>` or `@listen`.
    pub fn listen_address(&self) -> Option<&str> {
        self.listens
            .iter()
            .find_map(|l| l.address.as_deref())
            .or(self.listen.as_deref())
    }
}

/// `<graphics><listen type address network socket>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GraphicsListen {
    /// `@type`: `address`, `network`, `socket`, `none`.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `@address`.
    #[serde(rename = "@address", default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `@network`.
    #[serde(rename = "@network", default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// `@socket`.
    #[serde(rename = "@socket", default, skip_serializing_if = "Option::is_none")]
    pub socket: Option<String>,
}

/// `<video><model type vram heads primary/></video>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Video {
    /// `<model>`.
    pub model: VideoModel,
    /// `<alias>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

/// `<video><model>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoModel {
    /// `@type`: `virtio`, `qxl`, `vga`, `cirrus`, `bochs`, `ramfb`, `none`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@vram` KiB.
    #[serde(rename = "@vram", default, skip_serializing_if = "Option::is_none")]
    pub vram: Option<u64>,
    /// `@heads`.
    #[serde(rename = "@heads", default, skip_serializing_if = "Option::is_none")]
    pub heads: Option<u32>,
    /// `@primary='yes'`.
    #[serde(rename = "@primary", default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
}

/// A character device: `<serial>`, `<console>` or `<channel>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharDevice {
    /// `@type`: `pty`, `unix`, `file`, `tcp`, `spicevmc`, `null`, …
    #[serde(rename = "@type")]
    pub kind: String,
    /// `<source>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CharSource>,
    /// `<target>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<CharTarget>,
    /// `<alias>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

/// `<source path mode host service>` of a character device.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CharSource {
    /// `@path` (pty, unix, file).
    #[serde(rename = "@path", default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `@mode`: `bind`/`connect`.
    #[serde(rename = "@mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `@host` (tcp/udp).
    #[serde(rename = "@host", default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// `@service` (tcp/udp port).
    #[serde(rename = "@service", default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// `<target type port name state>` of a character device.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CharTarget {
    /// `@type`: `isa-serial`, `serial`, `virtio`, `guestfwd`, …
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `@port`.
    #[serde(rename = "@port", default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u32>,
    /// `@name` (virtio channels, e.g. `org.qemu.guest_agent.0`).
    #[serde(rename = "@name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@state`: `connected`/`disconnected` (live virtio channels).
    #[serde(rename = "@state", default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `<tpm model><backend type version/></tpm>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tpm {
    /// `@model`: `tpm-tis`, `tpm-crb`, `spapr-tpm-proxy`.
    #[serde(rename = "@model", default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `<backend>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<TpmBackend>,
}

/// `<tpm><backend>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TpmBackend {
    /// `@type`: `emulator`, `passthrough`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@version`: `1.2`, `2.0`.
    #[serde(rename = "@version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `<memballoon model><stats period/></memballoon>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memballoon {
    /// `@model`: `virtio`, `none`, `xen`.
    #[serde(rename = "@model")]
    pub model: String,
    /// `<stats period>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<BalloonStats>,
}

/// `<memballoon><stats period>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalloonStats {
    /// `@period` seconds.
    #[serde(rename = "@period")]
    pub period: u32,
}

/// `<hostdev mode type managed>`: a passed-through host device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hostdev {
    /// `@mode`: `subsystem`, `capabilities`.
    #[serde(rename = "@mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `@type`: `pci`, `usb`, `scsi`, `mdev`, …
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `@managed`: `yes`/`no`.
    #[serde(rename = "@managed", default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<String>,
    /// `<source>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<HostdevSource>,
}

/// `<hostdev><source>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostdevSource {
    /// `<address domain bus slot function>` (PCI) or `bus device` (USB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<HostdevAddress>,
    /// `<vendor id>` (USB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<IdAttr>,
    /// `<product id>` (USB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<IdAttr>,
}

/// A host device address (all as libvirt prints them, hex strings included).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostdevAddress {
    /// `@domain`.
    #[serde(rename = "@domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// `@bus`.
    #[serde(rename = "@bus", default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
    /// `@slot`.
    #[serde(rename = "@slot", default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    /// `@function`.
    #[serde(rename = "@function", default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// `@device` (USB).
    #[serde(rename = "@device", default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

/// `<vendor id>` / `<product id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdAttr {
    /// `@id`, e.g. `0x1234`.
    #[serde(rename = "@id")]
    pub id: String,
}
