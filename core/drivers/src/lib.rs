//! Virtumancer's driver traits, their errors and the plugin registry.
//!
//! Drivers do the hypervisor-specific work behind small traits; the engine only ever sees
//! `dyn` trait objects from the [`Registry`]. Built-in plugins register themselves with
//! `inventory::submit!` of a [`DriverRegistration`]; the server builds one immutable registry at
//! start-up. This crate depends only on `virtumancer-model` and must never name a concrete plugin.
//!
//! Feature `testkit` adds conformance suites every driver runs against its real backend.
#![warn(missing_docs)]

mod compute_driver;
mod connect_error;
mod driver_error;
mod host_connection;
mod inventory_reader;
mod network_driver;
mod network_kinds;
mod nic_driver;
mod nic_kinds;
mod registry;
mod stats_reader;
#[cfg(feature = "testkit")]
pub mod testkit;
mod vm_change_hooks;

pub use compute_driver::{ComputeCapabilities, ComputeDriver};
pub use connect_error::ConnectError;
pub use driver_error::DriverError;
pub use host_connection::{CloseReason, ConnectSpec, HostConnection, HostConnector};
pub use inventory_reader::{InventoryEvent, InventoryPart, InventoryReader, InventoryStream};
pub use network_driver::NetworkDriver;
pub use network_kinds::{NetworkKindInfo, NetworkKinds};
pub use nic_driver::NicDriver;
pub use nic_kinds::{NicKindInfo, NicKinds, RecognizedKind};
pub use registry::{DriverRegistration, PluginInfo, ProvidedTrait, Registry, RegistryError};
pub use stats_reader::{HostCounters, StatsReader, StatsSample, VmCounters};
pub use vm_change_hooks::{HookViolation, VmChangeHooks};

#[doc(hidden)]
pub use inventory;
