//! A host-hooks plugin for Virtumancer: a NIC added to, or moved onto, a protected network must
//! name a portgroup (where the VLAN is decided). Protected networks are those whose name starts
//! with the configured prefix (`{"networkPrefix": "prod"}`, the default).
//!
//! The VM change arrives as JSON; this plugin reads the few fields it needs with plain string
//! search to stay small (a real plugin may use serde_json).

use std::cell::RefCell;
use virtumancer_plugin_sdk::*;

struct Policy;

thread_local! {
    /// The configured prefix; the host configures every fresh instance before its call.
    static PREFIX: RefCell<String> = RefCell::new("prod".into());
}

const SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "networkPrefix": {"type": "string", "title": "Protected network prefix",
      "description": "NICs on networks whose name starts with this must name a portgroup",
      "minLength": 1, "default": "prod"}
  },
  "additionalProperties": false
}"#;

impl Plugin for Policy {
    fn describe() -> Description {
        Description {
            id: "org.virtumancer.example.policy".into(),
            version: "0.1.0".into(),
            name: "Protected networks need a VLAN portgroup".into(),
            extension_points: vec![ExtensionPoint::HostHooks],
            capabilities: vec![],
            config_schema: Some(SCHEMA.into()),
        }
    }

    fn configure(config: &str) -> Result<(), PluginError> {
        let prefix = string_field(config, "networkPrefix").unwrap_or_else(|| "prod".into());
        if prefix.is_empty() {
            return Err(PluginError::InvalidSpec("networkPrefix must not be empty".into()));
        }
        PREFIX.with(|p| *p.borrow_mut() = prefix);
        Ok(())
    }
}

impl NetworkDriver for Policy {}

impl HostHooks for Policy {
    fn validate_vm(spec: &str) -> Vec<Violation> {
        let Some(nic) = object_field(spec, "nic") else {
            return Vec::new();
        };
        let Some(network) = string_field(nic, "network") else {
            return Vec::new();
        };
        let protected = PREFIX.with(|p| network.starts_with(p.borrow().as_str()));
        let portgroup = string_field(nic, "portgroup").filter(|p| !p.is_empty());
        if protected && portgroup.is_none() {
            return vec![Violation {
                field: "nic.portgroup".into(),
                message: format!(
                    "NICs on the protected network '{network}' must name a VLAN portgroup"
                ),
            }];
        }
        Vec::new()
    }
}

/// The text of the JSON object value of `"key"` (the first occurrence).
fn object_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let at = json.find(&format!("\"{key}\":"))?;
    let rest = json[at + key.len() + 3..].trim_start();
    let rest = rest.strip_prefix('{')?;
    let mut depth = 1;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The JSON string value of `"key"` (simple strings: Virtumancer's names have no escapes).
fn string_field(json: &str, key: &str) -> Option<String> {
    let at = json.find(&format!("\"{key}\":"))?;
    let rest = json[at + key.len() + 3..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

register!(Policy);
