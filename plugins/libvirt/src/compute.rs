//! Power actions on libvirt domains (blocking calls; the connection runs them off the async
//! runtime).

use crate::errors::driver_error;
use crate::normalize;
use virt::connect::Connect;
use virt::domain::Domain;
use virtumancer_drivers::DriverError;
use virtumancer_model::{PowerAction, PowerState};

fn e(err: virt::error::Error) -> DriverError {
    driver_error(&err)
}

fn lookup(conn: &Connect, uuid: &str) -> Result<Domain, DriverError> {
    Domain::lookup_by_uuid_string(conn, uuid).map_err(e)
}

/// Performs `action` on the domain with `uuid`.
pub fn power(conn: &Connect, uuid: &str, action: PowerAction) -> Result<(), DriverError> {
    let dom = lookup(conn, uuid)?;
    match action {
        PowerAction::Start => dom.create().map(drop),
        // Flags 0: the hypervisor picks its method (QEMU: the ACPI power button, or the guest
        // agent). The guest decides; the engine waits and may force off.
        PowerAction::Shutdown => dom.shutdown().map(drop),
        PowerAction::Reboot => dom.reboot(0),
        PowerAction::ForceOff => dom.destroy().map(drop),
        PowerAction::Reset => dom.reset().map(drop),
        PowerAction::Pause => dom.suspend().map(drop),
        PowerAction::Resume => dom.resume().map(drop),
        PowerAction::AutostartOn => dom.set_autostart(true).map(drop),
        PowerAction::AutostartOff => dom.set_autostart(false).map(drop),
    }
    .map_err(e)
}

/// The domain's power state now.
pub fn power_state(conn: &Connect, uuid: &str) -> Result<PowerState, DriverError> {
    let (state, _reason) = lookup(conn, uuid)?.get_state().map_err(e)?;
    Ok(normalize::power_state(state))
}
