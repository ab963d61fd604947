//! The host capabilities document.

use crate::XmlError;
use serde::Deserialize;

/// `<capabilities>`: what a hypervisor host offers. Only the parts Virtumancer reads are typed;
/// everything else is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Capabilities {
    /// `<host>`.
    pub host: CapsHost,
    /// `<guest>` entries: one per OS type and architecture the host can run.
    #[serde(rename = "guest", default)]
    pub guests: Vec<CapsGuest>,
}

/// `<host>` inside capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CapsHost {
    /// `<uuid>`.
    pub uuid: Option<String>,
    /// `<cpu>`.
    pub cpu: CapsCpu,
}

/// `<host><cpu>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CapsCpu {
    /// `<arch>`.
    pub arch: String,
    /// `<model>`, absent on some drivers.
    pub model: Option<String>,
    /// `<vendor>`.
    pub vendor: Option<String>,
    /// `<topology sockets cores threads>`.
    pub topology: Option<CapsTopology>,
}

/// `<topology>` of the host CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct CapsTopology {
    /// `@sockets`.
    #[serde(rename = "@sockets")]
    pub sockets: u32,
    /// `@dies`, libvirt ≥ 6.
    #[serde(rename = "@dies", default)]
    pub dies: Option<u32>,
    /// `@cores` per socket (per die).
    #[serde(rename = "@cores")]
    pub cores: u32,
    /// `@threads` per core.
    #[serde(rename = "@threads")]
    pub threads: u32,
}

/// `<guest>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CapsGuest {
    /// `<os_type>`: `hvm`, `xen`, `exe`…
    pub os_type: String,
    /// `<arch>`.
    pub arch: CapsGuestArch,
}

/// `<guest><arch>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CapsGuestArch {
    /// `@name`, e.g. `x86_64`.
    #[serde(rename = "@name")]
    pub name: String,
    /// `<domain type>` entries: `qemu`, `kvm`, `test`…
    #[serde(rename = "domain", default)]
    pub domains: Vec<CapsDomain>,
}

/// `<guest><arch><domain type>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CapsDomain {
    /// `@type`.
    #[serde(rename = "@type")]
    pub kind: String,
}

impl Capabilities {
    /// Parses a capabilities document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::view_reader::from_str(xml).map_err(|e| XmlError::view("capabilities", e))
    }

    /// Whether any guest architecture offers hardware-accelerated `kvm` domains.
    pub fn kvm_available(&self) -> bool {
        self.guests
            .iter()
            .any(|g| g.arch.domains.iter().any(|d| d.kind == "kvm"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_test_driver_capabilities() {
        let caps =
            Capabilities::from_xml(include_str!("../tests/golden/capabilities-test-driver.xml"))
                .unwrap();
        assert_eq!(caps.host.cpu.arch, "i686");
        assert!(!caps.kvm_available());
        assert!(
            caps.guests
                .iter()
                .any(|g| g.arch.domains.iter().any(|d| d.kind == "test"))
        );
    }

    #[test]
    fn reads_qemu_capabilities_with_kvm() {
        let caps =
            Capabilities::from_xml(include_str!("../tests/golden/capabilities-qemu.xml")).unwrap();
        assert_eq!(caps.host.cpu.arch, "x86_64");
        let topo = caps.host.cpu.topology.unwrap();
        assert!(topo.sockets >= 1 && topo.cores >= 1 && topo.threads >= 1);
        assert!(caps.host.cpu.model.is_some());
        assert!(caps.kvm_available());
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for xml in [
            "",
            "<capabilities>",
            "<capabilities><host/></capabilities>",
            "<x/>",
        ] {
            assert!(Capabilities::from_xml(xml).is_err(), "{xml:?}");
        }
    }
}
