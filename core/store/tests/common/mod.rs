//! Fixtures shared by the store's test files.

use virtumancer_model::{
    ConsoleInventory, CpuTopology, DiskInventory, GraphicsInventory, HostDevice, NicInventory,
    PowerState, VmHardware, VmInventory,
};

/// A running VM with every kind of hardware, hostile text in its title, and `disks`.
pub fn vm(name: &str, uuid: &str, disks: Vec<DiskInventory>) -> VmInventory {
    VmInventory {
        uuid: uuid.into(),
        name: name.into(),
        title: Some("<b>&\"'</b> ünï ✓".into()),
        description: None,
        state: PowerState::Running,
        persistent: true,
        autostart: false,
        vcpus: 2,
        current_vcpus: 1,
        memory_bytes: 1 << 30,
        current_memory_bytes: 1 << 29,
        max_memory_bytes: Some(1 << 31),
        firmware: "efi".into(),
        os_type: "hvm".into(),
        arch: Some("x86_64".into()),
        machine: None,
        cpu_mode: Some("host-passthrough".into()),
        cpu_model: None,
        boot_devices: vec!["hd".into(), "cdrom".into()],
        disks,
        nics: vec![NicInventory {
            kind: "network".into(),
            mac: Some("52:54:00:aa:bb:01".into()),
            model: Some("virtio".into()),
            network: Some("ovs".into()),
            bridge: None,
            portgroup: Some("vlan20".into()),
            source_dev: None,
            source_mode: None,
            vlan_tags: vec![10, 20, 4094],
            trunk: true,
            native_vlan: Some(10),
            virtualport_type: Some("openvswitch".into()),
            interface_id: Some("iface".into()),
            target_dev: Some("vnet0".into()),
            link_state: None,
            plugin_kind: None,
        }],
        graphics: vec![GraphicsInventory {
            kind: "vnc".into(),
            port: Some(5900),
            autoport: true,
            listen: Some("127.0.0.1".into()),
            has_password: true,
        }],
        consoles: vec![
            ConsoleInventory {
                kind: "serial".into(),
                target_type: Some("isa-serial".into()),
                port: Some(0),
                source_type: "pty".into(),
                source: None,
            },
            ConsoleInventory {
                kind: "console".into(),
                target_type: None,
                port: Some(u32::MAX),
                source_type: "unix".into(),
                source: Some("/run/<&>\"' ünï.sock".into()),
            },
        ],
        hardware: VmHardware {
            cpu_topology: Some(CpuTopology {
                sockets: 2,
                dies: None,
                cores: 4,
                threads: 2,
            }),
            on_poweroff: Some("destroy".into()),
            on_reboot: None,
            on_crash: Some("coredump-restart".into()),
            video: Some("virtio".into()),
            tpm: Some("tpm-crb, emulator 2.0".into()),
            host_devices: vec![HostDevice {
                kind: "pci".into(),
                managed: true,
                source: Some("0000:03:00.1 <&>\"' ✓".into()),
            }],
        },
    }
}
