//! Virtumancer's domain nouns and values: ids, hosts, host facts, events.
//!
//! Everything here is plain data with serde and utoipa `ToSchema` derives, so the same types
//! travel through the drivers, the store, the engine and the HTTP API. This crate does no I/O
//! and must not depend on any other Virtumancer crate.
#![warn(missing_docs)]

mod event;
mod host;
mod host_facts;
mod host_uri;
mod host_vm_counts;
mod ids;
mod name;
mod network;
mod network_action;
mod network_inventory;
mod network_spec;
mod nic_spec;
mod port;
mod power_action;
mod power_state;
mod stats;
mod task;
mod topology;
mod vm;
mod vm_hardware;
mod vm_inventory;

pub use event::{Event, Topic};
pub use host::{Host, HostKey, HostState, SyncFailure};
pub use host_facts::{HostFacts, format_libvirt_version};
pub use host_uri::{HostUri, HostUriError, Transport};
pub use host_vm_counts::HostVmCounts;
pub use ids::{HostId, TaskId, VmId};
pub use name::{NameError, ResourceName};
pub use network::Network;
pub use network_action::NetworkAction;
pub use network_inventory::{
    HostInventory, NetworkInventory, PortgroupInventory, StoragePoolInventory, VolumeInventory,
};
pub use network_spec::{
    Ipv4Spec, MAX_BRIDGE_NAME, MAX_NETWORK_NAME, NetworkKind, NetworkSpec, PortgroupChange,
    PortgroupSpec,
};
pub use nic_spec::{NIC_MODELS, NicSpec, NicUpdate, normalize_mac};
pub use port::{NicAddresses, Port, PortAddress};
pub use power_action::{PowerAction, PowerActionRule};
pub use power_state::PowerState;
pub use stats::{HostStats, VmStats};
pub use task::{Task, TaskState};
pub use topology::{Topology, TopologyHost};
pub use vm::{Vm, VmDetail, VmDrift};
pub use vm_hardware::{CpuTopology, HostDevice, VmHardware};
pub use vm_inventory::{
    ConsoleInventory, DiskInventory, GraphicsInventory, NicInventory, PluginKind, VmInventory,
};
