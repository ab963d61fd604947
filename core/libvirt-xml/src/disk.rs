//! `<disk>` in a domain's `<devices>`.

use crate::common::{Alias, BootOrder, Flag};
use serde::{Deserialize, Serialize};

/// A disk, CD-ROM, floppy or LUN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    /// `@type`: `file`, `block`, `network`, `volume`, `dir`, `nvme`, `vhostuser`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@device`: `disk` (default), `cdrom`, `floppy`, `lun`.
    #[serde(rename = "@device", default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// `<driver>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<DiskDriver>,
    /// `<source>`; absent for an empty CD-ROM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<DiskSource>,
    /// `<target>`.
    pub target: DiskTarget,
    /// `<readonly/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readonly: Option<Flag>,
    /// `<shareable/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shareable: Option<Flag>,
    /// `<serial>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// `<boot order>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<BootOrder>,
    /// `<alias>` (live XML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

impl Disk {
    /// `@device` with libvirt's default.
    pub fn device(&self) -> &str {
        self.device.as_deref().unwrap_or("disk")
    }
}

/// `<driver name type cache io discard>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DiskDriver {
    /// `@name`, e.g. `qemu`.
    #[serde(rename = "@name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@type`: image format, e.g. `qcow2`, `raw`.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `@cache`: `none`, `writeback`, …
    #[serde(rename = "@cache", default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    /// `@io`: `native`, `threads`, `io_uring`.
    #[serde(rename = "@io", default, skip_serializing_if = "Option::is_none")]
    pub io: Option<String>,
    /// `@discard`: `unmap`, `ignore`.
    #[serde(rename = "@discard", default, skip_serializing_if = "Option::is_none")]
    pub discard: Option<String>,
}

/// `<source>` of a disk: which attributes apply depends on the disk type.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DiskSource {
    /// `@file` (type `file`).
    #[serde(rename = "@file", default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// `@dev` (type `block`).
    #[serde(rename = "@dev", default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// `@dir` (type `dir`).
    #[serde(rename = "@dir", default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// `@protocol` (type `network`): `nbd`, `iscsi`, `rbd`, `http`, …
    #[serde(rename = "@protocol", default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `@name` (type `network`): export, image or IQN/LUN.
    #[serde(rename = "@name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@pool` (type `volume`).
    #[serde(rename = "@pool", default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// `@volume` (type `volume`).
    #[serde(rename = "@volume", default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// `@mode` (type `volume` on iSCSI pools): `host` or `direct`.
    #[serde(rename = "@mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `<host name port>` entries (type `network`).
    #[serde(rename = "host", default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<DiskSourceHost>,
}

impl DiskSource {
    /// A human-readable location: path, device, pool/volume or protocol://host/name.
    pub fn location(&self) -> Option<String> {
        if let Some(p) = self
            .file
            .as_ref()
            .or(self.dev.as_ref())
            .or(self.dir.as_ref())
        {
            return Some(p.clone());
        }
        if let (Some(pool), Some(vol)) = (&self.pool, &self.volume) {
            return Some(format!("{pool}/{vol}"));
        }
        self.protocol.as_ref().map(|proto| {
            let host = self
                .hosts
                .first()
                .map(|h| h.name.as_deref().unwrap_or(""))
                .unwrap_or("");
            format!("{proto}://{host}/{}", self.name.as_deref().unwrap_or(""))
        })
    }
}

/// `<source><host name port transport socket>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DiskSourceHost {
    /// `@name`.
    #[serde(rename = "@name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@port`.
    #[serde(rename = "@port", default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// `@transport`: `tcp`, `unix`, `rdma`.
    #[serde(
        rename = "@transport",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transport: Option<String>,
    /// `@socket` for unix transport.
    #[serde(rename = "@socket", default, skip_serializing_if = "Option::is_none")]
    pub socket: Option<String>,
}

/// `<target dev bus tray>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskTarget {
    /// `@dev`, e.g. `vda`.
    #[serde(rename = "@dev")]
    pub dev: String,
    /// `@bus`: `virtio`, `sata`, `scsi`, `ide`, `usb`, `fdc`.
    #[serde(rename = "@bus", default, skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
    /// `@tray` for removable media: `open`, `closed`.
    #[serde(rename = "@tray", default, skip_serializing_if = "Option::is_none")]
    pub tray: Option<String>,
}
