//! VMs as Virtumancer records them.

use crate::{
    ConsoleInventory, DiskInventory, GraphicsInventory, HostId, NicInventory, PowerState,
    VmHardware, VmId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A VM found on a host: discovered until imported, then managed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Vm {
    /// Virtumancer's id.
    pub id: VmId,
    /// The host it was found on.
    pub host_id: HostId,
    /// That host's name.
    pub host_name: String,
    /// Hypervisor UUID.
    pub uuid: String,
    /// Hypervisor name.
    pub name: String,
    /// Short description.
    pub title: Option<String>,
    /// Long description.
    pub description: Option<String>,
    /// Power state at the last sync or event.
    pub state: PowerState,
    /// Persistent definition (false: transient).
    pub persistent: bool,
    /// Started by its host when the host boots.
    pub autostart: bool,
    /// Imported into Virtumancer's management.
    pub managed: bool,
    /// Hidden from the discovered list by the user.
    pub dismissed: bool,
    /// Maximum vCPUs.
    pub vcpus: u32,
    /// vCPUs online at boot.
    pub current_vcpus: u32,
    /// Memory at boot, bytes.
    pub memory_bytes: u64,
    /// Balloon target, bytes.
    pub current_memory_bytes: u64,
    /// `bios` or `efi`.
    pub firmware: String,
    /// `hvm`, `linux`, `exe`.
    pub os_type: String,
    /// Hash of the normalized configuration; changes when the VM's config changes.
    pub config_hash: String,
    /// When the VM vanished from its host; `None` while it exists.
    pub gone_at: Option<DateTime<Utc>>,
    /// When it was last seen on its host.
    pub last_seen_at: DateTime<Utc>,
    /// First recorded.
    pub created_at: DateTime<Utc>,
    /// Last changed in the database.
    pub updated_at: DateTime<Utc>,
}

/// A VM with all its normalized hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmDetail {
    /// The VM.
    pub vm: Vm,
    /// Hot-plug memory ceiling, bytes.
    pub max_memory_bytes: Option<u64>,
    /// Guest architecture.
    pub arch: Option<String>,
    /// Machine type.
    pub machine: Option<String>,
    /// CPU mode.
    pub cpu_mode: Option<String>,
    /// CPU model.
    pub cpu_model: Option<String>,
    /// Boot devices in order.
    pub boot_devices: Vec<String>,
    /// Disks with sizes.
    pub disks: Vec<DiskInventory>,
    /// Network interfaces with portgroups and VLANs.
    pub nics: Vec<NicInventory>,
    /// Graphical consoles.
    pub graphics: Vec<GraphicsInventory>,
    /// Serial ports and text consoles.
    pub consoles: Vec<ConsoleInventory>,
    /// CPU topology, lifecycle actions, video, TPM and host devices.
    pub hardware: VmHardware,
}

/// Whether Virtumancer's record of a VM still matches the host's live configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmDrift {
    /// The VM.
    pub vm_id: VmId,
    /// The stored configuration equals the live one (and the VM exists on its host).
    pub in_sync: bool,
    /// The host still has the VM.
    pub present: bool,
    /// Hash of the stored configuration.
    pub stored_hash: String,
    /// Hash of the live configuration (absent when the VM is gone).
    pub live_hash: Option<String>,
    /// The stored power state differs from the live one.
    pub state_differs: bool,
    /// When the host was asked.
    pub checked_at: DateTime<Utc>,
}
