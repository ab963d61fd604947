//! Stable hashes of normalized configuration, so that sync writes only what changed.
//!
//! The fields are fed through std's `Hash` (strings end with a marker, lists start with their
//! length, options with their variant, so neighbouring fields cannot run into each other) into
//! one buffer, and the buffer is digested with SHA-256 once. A full sync hashes every VM, so
//! this avoids copying the VM or formatting it as text first. The bytes `Hash` feeds are std's
//! choice: a toolchain that changed them would make every VM look changed once, which costs
//! one rewrite and loses nothing.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use virtumancer_model::{
    GraphicsInventory, NetworkInventory, NicInventory, StoragePoolInventory, VmInventory,
};

/// Collects the bytes `Hash` feeds.
struct Collect(Vec<u8>);

impl Hasher for Collect {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// Unused: the collected bytes are digested instead.
    fn finish(&self) -> u64 {
        0
    }
}

fn hash(v: &impl Hash) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = Collect(Vec::with_capacity(1024));
    v.hash(&mut bytes);
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(&bytes.0) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// A VM's configuration: everything but runtime details. The destructuring names every
/// field, so a field added to the model does not compile until it is placed here.
struct VmConfig<'a>(&'a VmInventory);

impl Hash for VmConfig<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let VmInventory {
            uuid,
            name,
            title,
            description,
            state: _,
            persistent,
            autostart,
            vcpus,
            current_vcpus,
            memory_bytes,
            current_memory_bytes,
            max_memory_bytes,
            firmware,
            os_type,
            arch,
            machine,
            cpu_mode,
            cpu_model,
            boot_devices,
            disks,
            nics,
            graphics,
            consoles,
            hardware,
        } = self.0;
        (uuid, name, title, description, persistent, autostart).hash(h);
        (vcpus, current_vcpus, memory_bytes, current_memory_bytes).hash(h);
        (max_memory_bytes, firmware, os_type, arch, machine).hash(h);
        (cpu_mode, cpu_model, boot_devices, disks).hash(h);
        h.write_usize(nics.len());
        nics.iter().for_each(|n| NicConfig(n).hash(h));
        h.write_usize(graphics.len());
        graphics.iter().for_each(|g| GraphicsConfig(g).hash(h));
        (consoles, hardware).hash(h);
    }
}

/// A NIC's configuration: not its tap device (live) nor the kind a plugin recognized it as.
struct NicConfig<'a>(&'a NicInventory);

impl Hash for NicConfig<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let NicInventory {
            kind,
            mac,
            model,
            network,
            bridge,
            portgroup,
            source_dev,
            source_mode,
            vlan_tags,
            trunk,
            native_vlan,
            virtualport_type,
            interface_id,
            target_dev: _,
            link_state,
            plugin_kind: _,
        } = self.0;
        (kind, mac, model, network, bridge, portgroup).hash(h);
        (source_dev, source_mode, vlan_tags, trunk, native_vlan).hash(h);
        (virtualport_type, interface_id, link_state).hash(h);
    }
}

/// A console's configuration: its port only when it is fixed.
struct GraphicsConfig<'a>(&'a GraphicsInventory);

impl Hash for GraphicsConfig<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let GraphicsInventory {
            kind,
            port,
            autoport,
            listen,
            has_password,
        } = self.0;
        let port = if *autoport { None } else { *port };
        (kind, port, autoport, listen, has_password).hash(h);
    }
}

/// The VM's configuration hash. Runtime details that change without a config change (power
/// state, tap device names, automatically chosen display ports) are left out.
pub fn vm(v: &VmInventory) -> String {
    hash(&VmConfig(v))
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
    use virtumancer_model::{GraphicsInventory, NicInventory, PowerState};

    fn sample() -> VmInventory {
        VmInventory {
            uuid: "u".into(),
            name: "n".into(),
            title: None,
            description: None,
            state: PowerState::Running,
            persistent: true,
            autostart: false,
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
            consoles: vec![],
            hardware: Default::default(),
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
        // Autostart is configuration: switching it is stored by the next sync.
        let mut autostart = a.clone();
        autostart.autostart = true;
        assert_ne!(vm(&a), vm(&autostart));
        // A fixed display port is configuration.
        let mut fixed = a.clone();
        fixed.graphics[0].autoport = false;
        let mut moved = fixed.clone();
        moved.graphics[0].port = Some(5901);
        assert_ne!(vm(&fixed), vm(&moved));
        // What a plugin recognized is not stored configuration.
        let mut recognized = a.clone();
        recognized.nics[0].plugin_kind = Some(virtumancer_model::PluginKind {
            kind: "macvtap".into(),
            plugin: "p".into(),
            params: Default::default(),
        });
        assert_eq!(vm(&a), vm(&recognized));
        // A serial port added is configuration.
        let mut serial = a.clone();
        serial.consoles.push(virtumancer_model::ConsoleInventory {
            kind: "serial".into(),
            target_type: Some("isa-serial".into()),
            port: Some(0),
            source_type: "pty".into(),
            source: None,
        });
        assert_ne!(vm(&a), vm(&serial));
        // So is a lifecycle action.
        let mut restart = a.clone();
        restart.hardware.on_crash = Some("restart".into());
        assert_ne!(vm(&a), vm(&restart));
    }

    #[test]
    fn neighbouring_fields_do_not_run_into_each_other() {
        let a = sample();
        let mut b = a.clone();
        (b.name, b.title) = ("n".into(), Some(String::new()));
        assert_ne!(vm(&a), vm(&b));
        let mut c = a.clone();
        c.boot_devices = vec!["hd".into()];
        let mut d = a.clone();
        d.boot_devices = vec!["h".into(), "d".into()];
        assert_ne!(vm(&c), vm(&d));
        // A NIC moved from one list to another, or the order of disks, is a change.
        let mut e = a.clone();
        e.nics.push(e.nics[0].clone());
        assert_ne!(vm(&a), vm(&e));
    }
}
