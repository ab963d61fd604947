//! Integration tests of the libvirt plugin against real libvirt: the in-process test driver
//! always, and the project's testbed libvirtd + sshd (scripts/testbed) when they run.

mod real_daemon;
mod test_driver;

use std::path::PathBuf;
use virtumancer_plugin_libvirt::{LibvirtConnector, LibvirtConnectorConfig};

pub fn connector() -> LibvirtConnector {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    LibvirtConnector::new(LibvirtConnectorConfig {
        state_dir: Some(dir),
    })
    .expect("connector")
}

/// The testbed, if `make test` started it (VIRTUMANCER_TESTBED=1). Without it the real-daemon
/// tests print why they skip; with it, a missing service is a failure.
pub struct Testbed {
    pub tcp_port: u16,
    pub tls_port: u16,
    pub pki_client: PathBuf,
    pub ssh_port: u16,
    pub ssh_dir: PathBuf,
}

pub fn testbed(test: &str) -> Option<Testbed> {
    if std::env::var("VIRTUMANCER_TESTBED").as_deref() != Ok("1") {
        eprintln!(
            "SKIP {test}: needs the real libvirtd/sshd testbed (run via `make test`, or set VIRTUMANCER_TESTBED=1 after scripts/testbed/*.sh start)"
        );
        return None;
    }
    let env_or = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    Some(Testbed {
        tcp_port: env_or("VM_TEST_TCP_PORT", "16599")
            .parse()
            .expect("VM_TEST_TCP_PORT"),
        ssh_port: env_or("VM_TEST_SSH_PORT", "2222")
            .parse()
            .expect("VM_TEST_SSH_PORT"),
        ssh_dir: PathBuf::from(env_or("VM_TEST_SSH_DIR", "/tmp/virtumancer-testbed/ssh")),
        tls_port: env_or("VM_TEST_TLS_PORT", "16598")
            .parse()
            .expect("VM_TEST_TLS_PORT"),
        pki_client: PathBuf::from(env_or("VM_TEST_STATE", "/tmp/virtumancer-testbed"))
            .join("pki/client"),
    })
}
