//! A hostile plugin for the plugin host's tests. It notes the last server event it sees in its
//! key-value store. Its one NIC kind, `hostile`, misbehaves as the spec's `do` param says:
//!
//! - `loop`: spins forever (stopped by the epoch deadline or fuel);
//! - `alloc`: touches 1 GiB of memory (stopped by the memory cap);
//! - `trap`: panics, which traps;
//! - `kv`: writes and reads its key-value store (fails unless `kv` was granted);
//! - `clock`: answers the wall clock's seconds (0 unless `clock` was granted);
//! - `file`: tries to read `/etc/hostname` (there is no file system to read);
//! - `env`: answers how many environment variables it sees (none are given);
//! - `net`: tries to open a TCP connection (there is no network);
//! - `inventory`: answers the networks of the `host` param (fails unless `inventory-read` was
//!   granted);
//! - anything else: renders a harmless `<interface type='user'/>`.

use std::hint::black_box;
use virtumancer_plugin_sdk::*;

struct Hostile;

impl Plugin for Hostile {
    fn describe() -> Description {
        Description {
            id: "org.virtumancer.test.hostile".into(),
            version: "0.1.0".into(),
            name: "Hostile fixture".into(),
            extension_points: vec![ExtensionPoint::NetworkDriver, ExtensionPoint::HostHooks],
            capabilities: vec![Capability::Kv, Capability::Clock, Capability::InventoryRead],
            config_schema: None,
        }
    }
}

/// Remembers the type of the last event it was told about (in its key-value store, when
/// granted), so tests can see events arrive.
impl HostHooks for Hostile {
    fn on_event(event: &str) -> Result<(), PluginError> {
        let kind = event
            .split("\"type\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("?");
        kv::set("last-event", kind).map_err(PluginError::Failed)
    }
}

impl NetworkDriver for Hostile {
    fn nic_kinds() -> Vec<NicKind> {
        vec![NicKind {
            name: "hostile".into(),
            description: "misbehaves on purpose".into(),
            params_schema: r#"{"type":"object"}"#.into(),
        }]
    }

    fn render_interface(spec: &NicSpec) -> Result<String, PluginError> {
        match param(&spec.params, "do") {
            Some("loop") => {
                let mut n: u64 = 0;
                loop {
                    n = black_box(n.wrapping_add(1));
                }
            }
            Some("alloc") => {
                let mut big = vec![0u8; 1 << 30];
                // Touch every page so the optimiser cannot drop the allocation.
                for i in (0..big.len()).step_by(4096) {
                    big[i] = black_box(1);
                }
                Ok(format!("{}", black_box(big.len())))
            }
            Some("trap") => panic!("the hostile fixture traps on purpose"),
            Some("kv") => {
                kv::set("visits", "1").map_err(PluginError::Failed)?;
                let v = kv::get("visits").map_err(PluginError::Failed)?;
                Ok(format!("<interface type='user'><!-- visits {v:?} --></interface>"))
            }
            Some("clock") => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                Ok(now.to_string())
            }
            Some("file") => std::fs::read_to_string("/etc/hostname")
                .map_err(|e| PluginError::Failed(format!("cannot read /etc/hostname: {e}"))),
            Some("env") => Ok(std::env::vars().count().to_string()),
            Some("net") => std::net::TcpStream::connect("127.0.0.1:22")
                .map(|_| "connected".to_owned())
                .map_err(|e| PluginError::Failed(format!("cannot connect: {e}"))),
            Some("inventory") => {
                let host = param(&spec.params, "host").unwrap_or_default();
                inventory::list_networks(host).map_err(PluginError::Failed)
            }
            _ => Ok("<interface type='user'/>".into()),
        }
    }
}

register!(Hostile);
