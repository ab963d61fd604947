//! A network-driver plugin for Virtumancer: NICs of kind `macvtap`, which libvirt writes as
//! `<interface type='direct'>` on a host device (`dev`) in one of the macvtap modes, and
//! networks of kind `macvtap` (`<forward mode='…'><interface dev='…'/></forward>`), which hand
//! out macvtap ports on the device to the NICs that join them.

use virtumancer_plugin_sdk::*;

/// The plugin.
struct Macvtap;

const MODES: [&str; 4] = ["bridge", "vepa", "private", "passthrough"];

const SCHEMA: &str = r#"{
  "type": "object",
  "required": ["dev"],
  "properties": {
    "dev": {"type": "string", "title": "Host device", "pattern": "^[A-Za-z0-9_.:-]{1,15}$"},
    "mode": {"type": "string", "title": "Mode", "enum": ["bridge", "vepa", "private", "passthrough"], "default": "bridge"}
  },
  "additionalProperties": false
}"#;

impl Plugin for Macvtap {
    fn describe() -> Description {
        Description {
            id: "org.virtumancer.example.macvtap".into(),
            version: "0.1.0".into(),
            name: "macvtap NICs".into(),
            extension_points: vec![ExtensionPoint::NetworkDriver],
            capabilities: vec![],
            config_schema: None,
        }
    }
}

impl HostHooks for Macvtap {}

impl NetworkDriver for Macvtap {
    fn nic_kinds() -> Vec<NicKind> {
        vec![NicKind {
            name: "macvtap".into(),
            description: "Direct attachment to a host device through macvtap".into(),
            params_schema: SCHEMA.into(),
        }]
    }

    fn validate_nic(spec: &NicSpec) -> Result<(), PluginError> {
        settings(spec).map(drop)
    }

    fn render_interface(spec: &NicSpec) -> Result<String, PluginError> {
        let (dev, mode) = settings(spec)?;
        let mut xml = String::from("<interface type='direct'>");
        if let Some(mac) = &spec.mac {
            xml += &format!("<mac address='{mac}'/>");
        }
        xml += &format!("<source dev='{dev}' mode='{mode}'/>");
        let model = spec.model.as_deref().unwrap_or("virtio");
        xml += &format!("<model type='{model}'/></interface>");
        log(Level::Debug, &format!("rendered a macvtap NIC on {dev} ({mode})"));
        Ok(xml)
    }

    fn network_kinds() -> Vec<NetworkKind> {
        vec![NetworkKind {
            name: "macvtap".into(),
            description: "A network of macvtap ports on a host device".into(),
            params_schema: SCHEMA.into(),
        }]
    }

    fn render_network(spec: &NetworkSpec) -> Result<String, PluginError> {
        let (dev, mode) = checked(&spec.kind, &spec.params)?;
        // The name was checked by the server (letters, digits, '-', '_', '.').
        Ok(format!(
            "<network><name>{}</name><forward mode='{mode}'><interface dev='{dev}'/></forward></network>",
            spec.name
        ))
    }

    fn recognize_network(xml: &str) -> Option<RecognizedNetwork> {
        let forward = start_tag(xml, "forward")?;
        let mode = attr(forward, "mode")?;
        // A bridge-mode network that names a bridge is a Linux or Open vSwitch bridge network.
        let bridged = start_tag(xml, "bridge").and_then(|b| attr(b, "name")).is_some();
        if !MODES.contains(&mode) || (mode == "bridge" && bridged) {
            return None;
        }
        let mut params = vec![Param {
            key: "mode".into(),
            value: mode.into(),
        }];
        if let Some(dev) = start_tag(xml, "interface").and_then(|i| attr(i, "dev")) {
            params.push(Param {
                key: "dev".into(),
                value: dev.into(),
            });
        }
        Some(RecognizedNetwork {
            kind: "macvtap".into(),
            params,
        })
    }

    fn recognize_interface(xml: &str) -> Option<RecognizedNic> {
        let open = start_tag(xml, "interface")?;
        if attr(open, "type")? != "direct" {
            return None;
        }
        let source = start_tag(xml, "source")?;
        let mut params = vec![Param {
            key: "dev".into(),
            value: attr(source, "dev")?.into(),
        }];
        if let Some(mode) = attr(source, "mode") {
            params.push(Param {
                key: "mode".into(),
                value: mode.into(),
            });
        }
        Some(RecognizedNic {
            kind: "macvtap".into(),
            params,
        })
    }
}

/// The spec's device and mode, checked; the only values written into XML, so nothing else
/// needs escaping (the MAC and model are checked by the server).
fn settings(spec: &NicSpec) -> Result<(&str, &str), PluginError> {
    checked(&spec.kind, &spec.params)
}

/// The device and mode of a NIC or network spec of kind `macvtap`, checked.
fn checked<'a>(kind: &str, params: &'a [Param]) -> Result<(&'a str, &'a str), PluginError> {
    if kind != "macvtap" {
        return Err(PluginError::Unsupported(format!("no kind '{kind}'")));
    }
    if let Some(p) = params.iter().find(|p| p.key != "dev" && p.key != "mode") {
        return Err(PluginError::InvalidSpec(format!("unknown setting '{}'", p.key)));
    }
    let dev = param(params, "dev")
        .ok_or_else(|| PluginError::InvalidSpec("dev: the host device is required".into()))?;
    let ok_dev = !dev.is_empty()
        && dev.len() <= 15
        && dev
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if !ok_dev {
        return Err(PluginError::InvalidSpec(format!(
            "dev: '{dev}' is not a host interface name (1–15 letters, digits, '_', '.', ':', '-')"
        )));
    }
    let mode = param(params, "mode").unwrap_or("bridge");
    if !MODES.contains(&mode) {
        return Err(PluginError::InvalidSpec(format!(
            "mode: '{mode}' is not one of {}",
            MODES.join(", ")
        )));
    }
    Ok((dev, mode))
}

/// The attributes text of the first `<name …>` start tag.
fn start_tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = xml;
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix(name)
            && after.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/')
        {
            return Some(&after[..after.find('>')?]);
        }
    }
}

/// The value of `key='…'` or `key="…"` in a start tag's attribute text (entities are not
/// expected in device names and modes; a value with one is not recognized).
fn attr<'a>(tag: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(at) = rest.find(key) {
        let before_ok = at == 0 || rest[..at].ends_with(char::is_whitespace);
        let after = rest[at + key.len()..].trim_start();
        if before_ok && let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let quote = v.chars().next()?;
            if quote == '\'' || quote == '"' {
                let value = &v[1..1 + v[1..].find(quote)?];
                return (!value.contains('&')).then_some(value);
            }
        }
        rest = &rest[at + key.len()..];
    }
    None
}

register!(Macvtap);
