//! Typed libvirt XML documents, read and written with quick-xml and serde. Never build or pick
//! apart libvirt XML with string formatting elsewhere.
//!
//! Two layers: typed views (`Domain`, `Network`, `StoragePool`, `StorageVolume`,
//! `Capabilities`) deserialized with serde, and a lossless [`Element`] tree that keeps every
//! element and attribute libvirt wrote, so that editing an existing document never drops what
//! the views do not model ([`DomainDocument`]). Depends on no other Virtumancer crate and does
//! not link libvirt.

mod capabilities;
mod common;
mod devices;
mod disk;
mod domain;
mod domain_inventory;
mod element;
mod interface;
mod network;
mod storage;
mod view_attributes;
mod view_reader;
mod view_tokens;

pub use capabilities::Capabilities;
pub use common::{
    Alias, BootOrder, Flag, Size, TypeAttr, VirtualPort, VirtualPortParameters, Vlan, VlanTag,
};
pub use devices::{
    BalloonStats, CharDevice, CharSource, CharTarget, Devices, Graphics, GraphicsListen, Hostdev,
    HostdevAddress, HostdevSource, IdAttr, Memballoon, Tpm, TpmBackend, Video, VideoModel,
};
pub use disk::{Disk, DiskDriver, DiskSource, DiskSourceHost, DiskTarget};
pub use domain::{
    BootDevice, Clock, Cpu, CpuModel, CpuTopology, Domain, DomainDocument, Features, Loader,
    MaxMemory, Nvram, Os, OsType, StateAttr, Timer, Vcpu,
};
pub use domain_inventory::{DomainInventoryView, InventoryDevices};
pub use element::{Element, Node, TreeError};
pub use interface::{
    Bandwidth, BandwidthLimit, Interface, InterfaceSource, InterfaceTarget, LinkState, MacElement,
};
pub use network::{
    DevAttr, Dhcp, DhcpHost, DhcpRange, Forward, Mtu, NamedElement, Network, NetworkBridge,
    NetworkIp, Portgroup,
};
pub use storage::{PathAttr, PoolSource, PoolTarget, StoragePool, StorageVolume, VolumeTarget};

/// A document that libvirt produced could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed {document} XML: {message}")]
pub struct XmlError {
    /// Which document.
    pub document: &'static str,
    /// What was wrong.
    pub message: String,
}

impl XmlError {
    fn tree(document: &'static str, e: TreeError) -> Self {
        Self {
            document,
            message: e.to_string(),
        }
    }

    fn tree_msg(document: &'static str, message: String) -> Self {
        Self { document, message }
    }
}

impl XmlError {
    fn view(document: &'static str, e: view_reader::ViewError) -> Self {
        Self {
            document,
            message: e.0,
        }
    }
}
