//! Stable hashes of normalized configuration, so that sync writes only what changed.

use serde::Serialize;
use sha2::{Digest, Sha256};
use virtumancer_model::{NetworkInventory, PowerState, StoragePoolInventory, VmInventory};

/// Feeds serialized bytes straight into the digest, with no intermediate buffer.
struct DigestWriter(Sha256);

impl std::io::Write for DigestWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash<T: Serialize>(v: &T) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut w = DigestWriter(Sha256::new());
    serde_json::to_writer(&mut w, v).expect("serializing plain data cannot fail");
    let mut out = String::with_capacity(64);
    for b in w.0.finalize() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// The VM's configuration hash. Runtime details that change without a config change (power
/// state, tap device names, automatically chosen display ports) are left out.
pub fn vm(v: &VmInventory) -> String {
    let mut c = v.clone();
    c.state = PowerState::Unknown;
    for n in &mut c.nics {
        n.target_dev = None;
    }
    for g in &mut c.graphics {
        if g.autoport {
            g.port = None;
        }
    }
    hash(&c)
}

/// The network's hash (including whether it runs).
pub fn network(n: &NetworkInventory) -> String {
    hash(n)
}

/// The pool's hash (including sizes and volumes).
pub fn pool(p: &StoragePoolInventory) -> String {
    hash(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use virtumancer_model::{GraphicsInventory, NicInventory};

    fn sample() -> VmInventory {
        VmInventory {
            uuid: "u".into(),
            name: "n".into(),
            title: None,
            description: None,
            state: PowerState::Running,
            persistent: true,
            vcpus: 2,
            current_vcpus: 2,
            memory_bytes: 1 << 30,
            current_memory_bytes: 1 << 30,
            max_memory_bytes: None,
            firmware: "bios".into(),
            os_type: "hvm".into(),
            arch: None,
            machine: None,
            cpu_mode: None,
            cpu_model: None,
            boot_devices: vec![],
            disks: vec![],
            nics: vec![NicInventory {
                kind: "network".into(),
                mac: Some("52:54:00:00:00:01".into()),
                model: None,
                network: Some("default".into()),
                bridge: None,
                portgroup: None,
                source_dev: None,
                source_mode: None,
                vlan_tags: vec![],
                trunk: false,
                native_vlan: None,
                virtualport_type: None,
                interface_id: None,
                target_dev: Some("vnet0".into()),
                link_state: None,
                plugin_kind: None,
            }],
            graphics: vec![GraphicsInventory {
                kind: "vnc".into(),
                port: Some(5900),
                autoport: true,
                listen: None,
                has_password: false,
            }],
        }
    }

    #[test]
    fn runtime_details_do_not_change_the_hash_but_config_does() {
        let a = sample();
        let mut b = a.clone();
        b.state = PowerState::Shutoff;
        b.nics[0].target_dev = Some("vnet7".into());
        b.graphics[0].port = Some(5901);
        assert_eq!(vm(&a), vm(&b));
        b.memory_bytes = 2 << 30;
        assert_ne!(vm(&a), vm(&b));
        let mut c = a.clone();
        c.nics[0].portgroup = Some("vlan20".into());
        assert_ne!(vm(&a), vm(&c));
        assert_eq!(vm(&a).len(), 64);
    }
}
