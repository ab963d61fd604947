//! Typed events pushed to WebSocket subscribers.

use crate::{Host, HostId, HostState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Something that changed, as pushed over `/api/v1/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// A host was added or its record changed (name, URI, facts, state…).
    HostUpserted {
        /// The host as it is now.
        host: Box<Host>,
    },
    /// A host was deleted.
    HostRemoved {
        /// Id of the deleted host.
        // utoipa ignores `rename_all_fields`; spell the wire name out for the schema.
        #[serde(rename = "hostId")]
        host_id: HostId,
    },
    /// A host's inventory changed (sync or libvirt event): refetch what is shown.
    InventoryChanged {
        /// The host.
        #[serde(rename = "hostId")]
        host_id: HostId,
        /// VMs added, changed, gone or re-stated (at most 100 ids; see `vmCount`).
        #[serde(rename = "vmIds")]
        vm_ids: Vec<crate::VmId>,
        /// How many VMs changed in all.
        #[serde(rename = "vmCount")]
        vm_count: usize,
        /// Networks or pools changed too.
        #[serde(rename = "otherChanges")]
        other_changes: bool,
    },
    /// A task was created or changed state or progress.
    TaskUpdated {
        /// The task as it is now.
        task: Box<crate::Task>,
    },
    /// A host's and its VMs' usage over the last tick (every VM of the host in one message).
    Stats {
        /// The host's usage.
        host: crate::HostStats,
        /// Every VM the host reported.
        vms: Vec<crate::VmStats>,
    },
    /// A host's connection state changed.
    HostState {
        /// The host.
        #[serde(rename = "hostId")]
        host_id: HostId,
        /// New state.
        state: HostState,
        /// Why (for `error` and drops).
        reason: Option<String>,
        /// When the supervisor saw the change.
        at: DateTime<Utc>,
    },
}

/// Subscription topics a WebSocket client can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Topic {
    /// Host added/changed/removed and host state events.
    Hosts,
    /// Inventory changes (VMs, networks, pools).
    Inventory,
    /// Tasks created, progressing and ending.
    Tasks,
    /// Live usage of hosts and VMs. While anyone subscribes, hosts are sampled every second
    /// instead of every 10 s.
    Stats,
}

impl Event {
    /// The topic this event belongs to.
    pub fn topic(&self) -> Topic {
        match self {
            Self::HostUpserted { .. } | Self::HostRemoved { .. } | Self::HostState { .. } => {
                Topic::Hosts
            }
            Self::InventoryChanged { .. } => Topic::Inventory,
            Self::TaskUpdated { .. } => Topic::Tasks,
            Self::Stats { .. } => Topic::Stats,
        }
    }
}
