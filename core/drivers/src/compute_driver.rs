//! Acting on VMs: power actions and the capabilities that say which ones a driver has.

use crate::DriverError;
use async_trait::async_trait;
use virtumancer_model::{PowerAction, PowerState};

/// What a compute driver can do, reported up front so the UI disables the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputeCapabilities {
    /// Power actions the driver implements.
    pub power_actions: Vec<PowerAction>,
}

/// VM operations on one open host connection. VMs are named by hypervisor UUID.
#[async_trait]
pub trait ComputeDriver: Send + Sync {
    /// What this driver can do.
    fn capabilities(&self) -> ComputeCapabilities;

    /// Performs one power action and returns once the hypervisor accepted it (a graceful
    /// shutdown or reboot is then up to the guest). Errors: `NotFound` when the VM no longer
    /// exists, `Conflict` when its state does not allow the action, `Unsupported` for actions
    /// not in [`ComputeCapabilities`], `Unavailable` when the connection is gone.
    async fn power(&self, uuid: &str, action: PowerAction) -> Result<(), DriverError>;

    /// The VM's power state now. Errors: `NotFound`, `Unavailable`.
    async fn power_state(&self, uuid: &str) -> Result<PowerState, DriverError>;
}
