//! The part of a domain document an inventory reads.

use crate::common::Size;
use crate::{
    CharDevice, Cpu, Disk, Graphics, Hostdev, Interface, MaxMemory, Os, Tpm, Vcpu, Video, XmlError,
};
use serde::Deserialize;

/// `<domain>` as an inventory reads it: identity, sizing, CPU, boot, lifecycle actions, and the
/// disks, interfaces, graphics, serial ports, consoles, video, TPM and host devices, typed as
/// [`crate::Domain`] types them. Read-only.
///
/// A full sync reads the XML of every domain of a host. The views' reader only deserializes
/// what a view names and passes over the rest of the document, so reading this view instead
/// of [`crate::Domain`] leaves out metadata, features, clock, controllers, inputs, channels
/// and the memory balloon (when measured with fewer devices named: 13 % of the instructions of
/// reading a generated test-driver domain).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "domain")]
pub struct DomainInventoryView {
    /// `@type`: `kvm`, `qemu`, `test`, … (required, as [`crate::Domain`] requires it).
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@id` while running.
    #[serde(rename = "@id", default)]
    pub id: Option<i32>,
    /// `<name>`.
    pub name: String,
    /// `<uuid>`.
    #[serde(default)]
    pub uuid: Option<String>,
    /// `<title>`.
    #[serde(default)]
    pub title: Option<String>,
    /// `<description>`.
    #[serde(default)]
    pub description: Option<String>,
    /// `<maxMemory slots unit>`.
    #[serde(rename = "maxMemory", default)]
    pub max_memory: Option<MaxMemory>,
    /// `<memory unit>`.
    pub memory: Size,
    /// `<currentMemory unit>`.
    #[serde(rename = "currentMemory", default)]
    pub current_memory: Option<Size>,
    /// `<vcpu placement current>`.
    pub vcpu: Vcpu,
    /// `<os>`.
    pub os: Os,
    /// `<cpu>`.
    #[serde(default)]
    pub cpu: Option<Cpu>,
    /// `<on_poweroff>`.
    #[serde(default)]
    pub on_poweroff: Option<String>,
    /// `<on_reboot>`.
    #[serde(default)]
    pub on_reboot: Option<String>,
    /// `<on_crash>`.
    #[serde(default)]
    pub on_crash: Option<String>,
    /// The inventoried devices.
    #[serde(default)]
    pub devices: InventoryDevices,
}

/// `<devices>` as an inventory reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct InventoryDevices {
    /// `<disk>` entries.
    #[serde(rename = "disk", default)]
    pub disks: Vec<Disk>,
    /// `<interface>` entries.
    #[serde(rename = "interface", default)]
    pub interfaces: Vec<Interface>,
    /// `<graphics>` entries.
    #[serde(rename = "graphics", default)]
    pub graphics: Vec<Graphics>,
    /// `<serial>` entries.
    #[serde(rename = "serial", default)]
    pub serials: Vec<CharDevice>,
    /// `<console>` entries.
    #[serde(rename = "console", default)]
    pub consoles: Vec<CharDevice>,
    /// `<video>` entries.
    #[serde(rename = "video", default)]
    pub videos: Vec<Video>,
    /// `<tpm>` entries.
    #[serde(rename = "tpm", default)]
    pub tpms: Vec<Tpm>,
    /// `<hostdev>` entries.
    #[serde(rename = "hostdev", default)]
    pub hostdevs: Vec<Hostdev>,
}

impl DomainInventoryView {
    /// Reads the inventoried part of a domain document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::view_reader::from_str(xml).map_err(|e| XmlError::view("domain", e))
    }

    /// Memory at boot in bytes (default unit KiB).
    pub fn memory_bytes(&self) -> Option<u64> {
        crate::domain::memory_bytes(&self.memory)
    }

    /// Current (balloon) memory in bytes, or the boot memory when not set.
    pub fn current_memory_bytes(&self) -> Option<u64> {
        crate::domain::current_memory_bytes(&self.memory, self.current_memory.as_ref())
    }
}
