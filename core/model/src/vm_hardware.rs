//! The hardware of a VM beyond its disks, NICs and consoles, as its detail page shows it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// CPU topology, lifecycle actions, video, TPM and host devices passed through. Stored as one
/// document per VM: nothing searches or sorts VMs by these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct VmHardware {
    /// `<cpu><topology>`, when set.
    pub cpu_topology: Option<CpuTopology>,
    /// What the hypervisor does when the guest powers off: `destroy`, `restart`, `preserve`…
    pub on_poweroff: Option<String>,
    /// … when the guest reboots.
    pub on_reboot: Option<String>,
    /// … when the guest crashes (also `coredump-destroy`, `coredump-restart`).
    pub on_crash: Option<String>,
    /// The primary video device's model (`virtio`, `qxl`, `vga`, `none`…).
    pub video: Option<String>,
    /// The TPM: its model and backend, e.g. `tpm-crb, emulator 2.0`.
    pub tpm: Option<String>,
    /// Host devices passed through (PCI, USB, SCSI, mediated).
    pub host_devices: Vec<HostDevice>,
}

/// `<cpu><topology>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CpuTopology {
    /// Sockets.
    pub sockets: u32,
    /// Dies per socket, when set.
    pub dies: Option<u32>,
    /// Cores per die (or socket).
    pub cores: u32,
    /// Threads per core.
    pub threads: u32,
}

/// A host device given to the VM.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostDevice {
    /// `pci`, `usb`, `scsi`, `mdev`…
    pub kind: String,
    /// libvirt detaches it from the host's driver and gives it back (`managed='yes'`).
    pub managed: bool,
    /// Which device: a PCI address (`0000:03:00.0`), USB vendor:product (`046d:c52b`) or bus
    /// and device (`bus 1 device 4`), as the XML names it.
    pub source: Option<String>,
}
