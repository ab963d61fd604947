//! What an operator asks for when creating a virtual network, and the rules it must follow.

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use utoipa::ToSchema;

/// The kind of network to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum NetworkKind {
    /// A private subnet behind NAT on a bridge libvirt creates.
    Nat,
    /// A private subnet routed (not NATed) to the host's network.
    Routed,
    /// A private subnet with no way out.
    Isolated,
    /// Like routed, with no firewall rules added by libvirt.
    Open,
    /// NICs join an existing Linux bridge of the host.
    Bridge,
    /// NICs join an existing Open vSwitch bridge, with VLAN portgroups.
    Openvswitch,
    /// A kind a plugin adds: `pluginKind` names it, `params` are its settings.
    Plugin,
}

impl NetworkKind {
    /// Whether libvirt makes the bridge and an IP subnet (as opposed to joining one).
    pub fn is_managed(self) -> bool {
        !matches!(self, Self::Bridge | Self::Openvswitch | Self::Plugin)
    }
}

/// An IPv4 subnet with optional DHCP range, for NAT, routed, isolated and open networks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ipv4Spec {
    /// The host's address on the network, e.g. `192.168.50.1`.
    pub address: String,
    /// Prefix length, 8–30.
    pub prefix: u8,
    /// First DHCP address (with `dhcpEnd`), inside the subnet.
    #[serde(default)]
    pub dhcp_start: Option<String>,
    /// Last DHCP address.
    #[serde(default)]
    pub dhcp_end: Option<String>,
}

/// A portgroup: a named set of port settings NICs can pick (VLANs on Open vSwitch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortgroupSpec {
    /// Name, unique in the network.
    pub name: String,
    /// NICs that name no portgroup get this one (at most one per network).
    #[serde(default)]
    pub is_default: bool,
    /// VLAN tags, 1–4094: one for an access port, several for a trunk.
    #[serde(default)]
    pub vlan_tags: Vec<u16>,
    /// A trunk: carries every tag (needed for more than one).
    #[serde(default)]
    pub trunk: bool,
    /// The trunk's untagged VLAN; one of `vlanTags`.
    #[serde(default)]
    pub native_vlan: Option<u16>,
}

/// A change to one portgroup of an existing network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortgroupChange {
    /// Adds a portgroup.
    Add(PortgroupSpec),
    /// Replaces the portgroup of the same name.
    Replace(PortgroupSpec),
    /// Removes the portgroup of this name.
    Remove(String),
}

/// A network to create on a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkSpec {
    /// Name, unique per host: letters, digits, `-`, `_` and `.`, at most 64 (libvirt makes
    /// file names of it).
    pub name: String,
    /// What kind of network.
    pub kind: NetworkKind,
    /// The bridge: required (and must exist on the host) for `bridge` and `openvswitch`;
    /// optional for the others, whose bridge libvirt creates (`virbrN` when not given).
    #[serde(default)]
    pub bridge: Option<String>,
    /// The subnet of a `nat`, `routed`, `isolated` or `open` network (required for `routed`
    /// and `open`).
    #[serde(default)]
    pub ipv4: Option<Ipv4Spec>,
    /// Portgroups; VLAN tags only on `openvswitch`.
    #[serde(default)]
    pub portgroups: Vec<PortgroupSpec>,
    /// Start the network when its host boots (default true).
    #[serde(default = "yes")]
    pub autostart: bool,
    /// Start it now (default true).
    #[serde(default = "yes")]
    pub start: bool,
    /// With kind `plugin`: the kind a plugin adds (see `GET /api/v1/network-kinds`).
    #[serde(default)]
    pub plugin_kind: Option<String>,
    /// With kind `plugin`: the kind's settings.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

/// Longest network name.
pub const MAX_NETWORK_NAME: usize = 64;
/// Longest Linux interface name (IFNAMSIZ - 1).
pub const MAX_BRIDGE_NAME: usize = 15;

fn ipv4(what: &str, s: &str) -> Result<Ipv4Addr, String> {
    s.parse()
        .map_err(|_| format!("{what} '{s}' is not an IPv4 address"))
}

impl NetworkSpec {
    /// Checks every rule; the message says which one failed and why.
    pub fn validate(&self) -> Result<(), String> {
        let name = &self.name;
        if name.is_empty() || name.chars().count() > MAX_NETWORK_NAME {
            return Err(format!(
                "network name must be 1–{MAX_NETWORK_NAME} characters"
            ));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(format!(
                "network name may hold letters, digits, '-', '_' and '.'; not {bad:?}"
            ));
        }
        if name.starts_with('.') {
            return Err("network name must not start with '.'".into());
        }
        if self.kind == NetworkKind::Plugin {
            return self.validate_plugin_kind();
        }
        if self.plugin_kind.is_some() || !self.params.is_empty() {
            return Err("pluginKind and params belong to networks of kind plugin".into());
        }
        match (&self.bridge, self.kind.is_managed()) {
            (None, false) => {
                return Err(format!(
                    "a {} network needs the name of an existing bridge",
                    kind_name(self.kind)
                ));
            }
            (Some(b), _) => check_bridge(b)?,
            (None, true) => {}
        }
        match (&self.ipv4, self.kind) {
            (Some(_), NetworkKind::Bridge | NetworkKind::Openvswitch) => {
                return Err(format!(
                    "a {} network has no subnet of its own; leave out ipv4",
                    kind_name(self.kind)
                ));
            }
            (None, NetworkKind::Routed | NetworkKind::Open) => {
                return Err(format!(
                    "a {} network needs an ipv4 subnet",
                    kind_name(self.kind)
                ));
            }
            (Some(ip), _) => ip.validate()?,
            _ => {}
        }
        self.validate_portgroups()
    }

    fn validate_plugin_kind(&self) -> Result<(), String> {
        match &self.plugin_kind {
            Some(k) if !k.is_empty() && k.len() <= 64 => {}
            _ => {
                return Err("a plugin network names its kind (pluginKind, 1–64 characters)".into());
            }
        }
        if self.bridge.is_some() || self.ipv4.is_some() || !self.portgroups.is_empty() {
            return Err(
                "a plugin network takes its settings in params; leave out bridge, ipv4 and portgroups"
                    .into(),
            );
        }
        Ok(())
    }

    fn validate_portgroups(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for p in &self.portgroups {
            p.validate(self.kind == NetworkKind::Openvswitch)?;
            if !seen.insert(p.name.as_str()) {
                return Err(format!("portgroup '{}' is named twice", p.name));
            }
        }
        if self.portgroups.iter().filter(|p| p.is_default).count() > 1 {
            return Err("at most one portgroup can be the default".into());
        }
        Ok(())
    }
}

fn kind_name(k: NetworkKind) -> &'static str {
    match k {
        NetworkKind::Nat => "NAT",
        NetworkKind::Routed => "routed",
        NetworkKind::Isolated => "isolated",
        NetworkKind::Open => "open",
        NetworkKind::Bridge => "bridge",
        NetworkKind::Openvswitch => "Open vSwitch",
        NetworkKind::Plugin => "plugin",
    }
}

fn check_bridge(b: &str) -> Result<(), String> {
    if b.is_empty()
        || b.len() > MAX_BRIDGE_NAME
        || !b
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "bridge '{b}' is not an interface name (1–{MAX_BRIDGE_NAME} letters, digits, '-', '_', '.')"
        ));
    }
    Ok(())
}

impl Ipv4Spec {
    fn validate(&self) -> Result<(), String> {
        let addr = ipv4("address", &self.address)?;
        if !(8..=30).contains(&self.prefix) {
            return Err(format!("prefix /{} must be 8–30", self.prefix));
        }
        let mask = u32::MAX << (32 - u32::from(self.prefix));
        let net = u32::from(addr) & mask;
        let broadcast = net | !mask;
        if u32::from(addr) == net || u32::from(addr) == broadcast {
            return Err(format!(
                "{addr} is the network or broadcast address of /{}",
                self.prefix
            ));
        }
        match (&self.dhcp_start, &self.dhcp_end) {
            (None, None) => Ok(()),
            (Some(s), Some(e)) => {
                let (s, e) = (ipv4("dhcpStart", s)?, ipv4("dhcpEnd", e)?);
                let inside = |a: Ipv4Addr| {
                    let a = u32::from(a);
                    a & mask == net && a != net && a != broadcast
                };
                if !inside(s) || !inside(e) {
                    return Err(format!(
                        "the DHCP range {s}–{e} must lie inside {net_ip}/{p}",
                        net_ip = Ipv4Addr::from(net),
                        p = self.prefix
                    ));
                }
                if u32::from(s) > u32::from(e) {
                    return Err(format!("the DHCP range starts after it ends ({s}–{e})"));
                }
                if (u32::from(s)..=u32::from(e)).contains(&u32::from(addr)) {
                    return Err(format!(
                        "the DHCP range {s}–{e} holds the host's own {addr}"
                    ));
                }
                Ok(())
            }
            _ => Err("give both dhcpStart and dhcpEnd, or neither".into()),
        }
    }
}

impl PortgroupSpec {
    /// Checks the name and the VLANs (which need an Open vSwitch network).
    pub fn validate(&self, openvswitch: bool) -> Result<(), String> {
        if self.name.is_empty()
            || self.name.chars().count() > MAX_NETWORK_NAME
            || self
                .name
                .chars()
                .any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(format!(
                "portgroup name {:?} must be 1–{MAX_NETWORK_NAME} characters without spaces",
                self.name
            ));
        }
        let name = &self.name;
        if (!self.vlan_tags.is_empty() || self.trunk || self.native_vlan.is_some()) && !openvswitch
        {
            return Err(format!(
                "portgroup '{name}': VLANs need an Open vSwitch network"
            ));
        }
        check_vlans(&self.vlan_tags, self.trunk, self.native_vlan)
            .map_err(|why| format!("portgroup '{name}': {why}"))
    }
}

/// The VLAN rules of a port (a portgroup or a NIC on an Open vSwitch bridge): tags 1–4094,
/// each once; a trunk has tags, several tags need a trunk; a native VLAN is one of a trunk's
/// tags.
pub(crate) fn check_vlans(tags: &[u16], trunk: bool, native: Option<u16>) -> Result<(), String> {
    if let Some(bad) = tags.iter().find(|t| !(1..=4094).contains(*t)) {
        return Err(format!("VLAN {bad} is reserved; use 1–4094"));
    }
    let mut sorted = tags.to_vec();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err("a VLAN tag is listed twice".into());
    }
    if trunk && tags.is_empty() {
        return Err("a trunk needs VLAN tags".into());
    }
    if !trunk && tags.len() > 1 {
        return Err("several VLAN tags make a trunk; set trunk".into());
    }
    if let Some(n) = native {
        if !trunk {
            return Err("only a trunk has a native VLAN".into());
        }
        if !tags.contains(&n) {
            return Err(format!("native VLAN {n} must be one of its tags"));
        }
    }
    Ok(())
}
