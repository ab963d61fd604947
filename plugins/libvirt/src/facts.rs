//! Reading host facts from an open connection.

use crate::errors::driver_error;
use virt::connect::Connect;
use virtumancer_drivers::DriverError;
use virtumancer_libvirt_xml::Capabilities;
use virtumancer_model::{HostFacts, format_libvirt_version};

/// Reads hostname, versions, CPU, memory and KVM availability. Blocking.
pub fn read(conn: &Connect) -> Result<HostFacts, DriverError> {
    let e = |e: virt::error::Error| driver_error(&e);
    let hostname = conn.get_hostname().map_err(e)?;
    let node = conn.get_node_info().map_err(e)?;
    let caps_xml = conn.get_capabilities().map_err(e)?;
    let caps =
        Capabilities::from_xml(&caps_xml).map_err(|err| DriverError::Backend(err.to_string()))?;
    let libvirt_version = format_libvirt_version(u64::from(conn.get_lib_version().map_err(e)?));
    let hypervisor_type = conn.get_type().map_err(e)?;
    let hypervisor_version = format_libvirt_version(u64::from(conn.get_hyp_version().map_err(e)?));
    let topo = caps.host.cpu.topology;
    let cpu_model = caps
        .host
        .cpu
        .model
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| node.model.clone());
    Ok(HostFacts {
        hostname,
        arch: caps.host.cpu.arch.clone(),
        cpu_model,
        cpu_sockets: topo.map_or(node.sockets * node.nodes.max(1), |t| t.sockets),
        cpu_cores: topo.map_or(node.cores, |t| t.cores),
        cpu_threads: topo.map_or(node.threads, |t| t.threads),
        cpu_count: node.cpus,
        cpu_mhz: node.mhz,
        memory_bytes: node.memory.saturating_mul(1024),
        libvirt_version,
        hypervisor_type,
        hypervisor_version,
        kvm_available: caps.kvm_available(),
        // Filled in by the engine from ComputeDriver::capabilities.
        power_actions: Vec::new(),
    })
}
