//! Facts read from a connected host.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a connected host tells about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostFacts {
    /// Host name as the hypervisor host reports it.
    pub hostname: String,
    /// CPU architecture from the capabilities XML, e.g. `x86_64`.
    pub arch: String,
    /// CPU model (capabilities XML, falling back to the node info model).
    pub cpu_model: String,
    /// CPU sockets (per NUMA node as libvirt reports it, times nodes).
    pub cpu_sockets: u32,
    /// Cores per socket.
    pub cpu_cores: u32,
    /// Threads per core.
    pub cpu_threads: u32,
    /// Logical CPUs that are online.
    pub cpu_count: u32,
    /// Nominal CPU frequency in MHz (0 when unknown).
    pub cpu_mhz: u32,
    /// Physical memory in bytes.
    pub memory_bytes: u64,
    /// libvirt version of the daemon (or library, for in-process drivers), e.g. `9.0.0`.
    pub libvirt_version: String,
    /// Hypervisor driver type, e.g. `QEMU` or `TEST`.
    pub hypervisor_type: String,
    /// Hypervisor version, e.g. `7.2.22`.
    pub hypervisor_version: String,
    /// Whether the capabilities XML offers `kvm` domains (hardware acceleration).
    pub kvm_available: bool,
    /// Power actions the host's driver implements (the UI disables the others).
    #[serde(default)]
    pub power_actions: Vec<crate::PowerAction>,
}

/// Formats libvirt's packed version number (major * 1,000,000 + minor * 1,000 + release).
pub fn format_libvirt_version(v: u64) -> String {
    format!("{}.{}.{}", v / 1_000_000, (v / 1_000) % 1_000, v % 1_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_packed_versions() {
        assert_eq!(super::format_libvirt_version(9_000_000), "9.0.0");
        assert_eq!(super::format_libvirt_version(7_002_022), "7.2.22");
    }
}
