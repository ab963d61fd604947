//! The libvirt plugin: host connections over every libvirt transport (local, unix, ssh,
//! libssh2, libssh, tcp, tls) and, as the project grows, compute, networks and pools.
//!
//! This is the only crate that links libvirt (`virt`). It depends on `virtumancer-model`,
//! `virtumancer-drivers` and `virtumancer-libvirt-xml`, never on the engine, store or API.
//!
//! Threading: libvirt's default event loop runs on one dedicated thread ([`event_loop`]),
//! registered before the first connection opens, so keepalive and close callbacks work. Every
//! blocking libvirt call runs on tokio's blocking pool, bounded per connection, and is wrapped
//! in a timeout so that one hung host cannot stall anything else.
#![allow(unsafe_code)] // libvirt's close callback, events and bulk stats have no safe wrapper in `virt`, and OpenSSL is initialized by symbol; see close_callback.rs, inventory_events.rs, domain_stats.rs and event_loop.rs; domain XML is read in place, see libvirt_xml_text.rs

mod block_sizes;
mod blocking;
mod close_callback;
mod compute;
mod connection;
mod connector;
mod domain_stats;
mod errors;
pub mod event_loop;
mod facts;
mod hardware;
mod inventory;
mod inventory_events;
mod inventory_stream;
mod libvirt_xml_text;
mod network_xml;
mod networks;
mod nic_addresses;
mod nics;
mod normalize;
mod ssh_host_key;
mod stats;

pub use connection::LibvirtConnection;
pub use connector::{LibvirtConnector, LibvirtConnectorConfig};

use std::sync::Arc;
use virtumancer_drivers::{DriverError, DriverRegistration, HostConnector};

fn build_connector(config: &serde_json::Value) -> Result<Arc<dyn HostConnector>, DriverError> {
    let config: LibvirtConnectorConfig = if config.is_null() {
        LibvirtConnectorConfig::default()
    } else {
        serde_json::from_value(config.clone())
            .map_err(|e| DriverError::InvalidSpec(format!("libvirt plugin config: {e}")))?
    };
    Ok(Arc::new(LibvirtConnector::new(config)?))
}

virtumancer_drivers::inventory::submit! {
    DriverRegistration {
        kind: "libvirt",
        name: "libvirt",
        version: env!("CARGO_PKG_VERSION"),
        description: "Connects to libvirt hosts: QEMU/KVM and libvirt's test driver, locally or over ssh, libssh2, libssh, tcp and tls",
        uri_schemes: &[
            "test", "qemu", "qemu+unix", "qemu+ssh", "qemu+libssh2", "qemu+libssh", "qemu+tcp", "qemu+tls",
            "test+unix", "test+ssh", "test+libssh2", "test+libssh", "test+tcp", "test+tls",
        ],
        host_connector: Some(build_connector),
    }
}
