//! What an operator asks for when adding a NIC to a VM or changing one, and its rules.

use crate::network_spec::check_vlans;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// NIC models Virtumancer offers (libvirt's QEMU names).
pub const NIC_MODELS: [&str; 5] = ["virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"];

/// A NIC to add: on a libvirt network (optionally a portgroup of it), on a host bridge
/// (optionally Open vSwitch with its own VLANs), or of a kind a plugin adds (`kind` with its
/// `params`, e.g. `macvtap` with `dev` and `mode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NicSpec {
    /// The network's name (or give `bridge`).
    #[serde(default)]
    pub network: Option<String>,
    /// A portgroup of that network.
    #[serde(default)]
    pub portgroup: Option<String>,
    /// A host bridge to join instead of a network.
    #[serde(default)]
    pub bridge: Option<String>,
    /// The bridge is Open vSwitch (needed for VLANs on a bridge).
    #[serde(default)]
    pub openvswitch: bool,
    /// VLAN tags on an Open vSwitch bridge, 1–4094 (several need `trunk`).
    #[serde(default)]
    pub vlan_tags: Vec<u16>,
    /// A trunk.
    #[serde(default)]
    pub trunk: bool,
    /// The trunk's untagged VLAN; one of `vlanTags`.
    #[serde(default)]
    pub native_vlan: Option<u16>,
    /// Model, default `virtio`.
    #[serde(default)]
    pub model: Option<String>,
    /// MAC address (unicast); libvirt picks one when absent.
    #[serde(default)]
    pub mac: Option<String>,
    /// A NIC kind a plugin adds (see `GET /api/v1/nic-kinds`), instead of a network or bridge.
    #[serde(default)]
    pub kind: Option<String>,
    /// The kind's settings, as its `paramsSchema` describes them.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
}

/// A change to an existing NIC: move it to another network or portgroup, set the VLANs of a NIC
/// on an Open vSwitch bridge, or set its link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NicUpdate {
    /// Move to this network (a network NIC only).
    #[serde(default)]
    pub network: Option<String>,
    /// Use this portgroup of the (new) network; an empty string removes the portgroup.
    #[serde(default)]
    pub portgroup: Option<String>,
    /// New VLAN tags of a NIC on an Open vSwitch bridge, 1–4094; empty makes it untagged.
    /// (On a network, pick a portgroup instead.)
    #[serde(default)]
    pub vlan_tags: Option<Vec<u16>>,
    /// With `vlanTags`: a trunk.
    #[serde(default)]
    pub trunk: Option<bool>,
    /// With `vlanTags`: the trunk's untagged VLAN; one of the tags.
    #[serde(default)]
    pub native_vlan: Option<u16>,
    /// Link up (true) or down (false).
    #[serde(default)]
    pub link_up: Option<bool>,
}

/// A MAC address written as libvirt does (lower case, colon-separated), or why it is refused.
pub fn normalize_mac(mac: &str) -> Result<String, String> {
    let parts: Vec<&str> = mac.split(':').collect();
    let bytes: Option<Vec<u8>> = (parts.len() == 6)
        .then(|| {
            parts
                .iter()
                .map(|p| {
                    (p.len() == 2)
                        .then(|| u8::from_str_radix(p, 16).ok())
                        .flatten()
                })
                .collect()
        })
        .flatten();
    let Some(bytes) = bytes else {
        return Err(format!(
            "'{mac}' is not a MAC address (six hex pairs with ':')"
        ));
    };
    if bytes[0] & 1 == 1 {
        return Err(format!(
            "{mac} is a multicast address; a NIC needs a unicast one"
        ));
    }
    if bytes.iter().all(|b| *b == 0) {
        return Err("00:00:00:00:00:00 is not a usable MAC address".into());
    }
    Ok(mac.to_ascii_lowercase())
}

impl NicSpec {
    /// Checks every rule that does not need the host.
    pub fn validate(&self) -> Result<(), String> {
        let targets = [
            self.network.is_some(),
            self.bridge.is_some(),
            self.kind.is_some(),
        ];
        match targets.iter().filter(|t| **t).count() {
            0 => return Err("give the network or the bridge to join, or a NIC kind".into()),
            1 => {}
            _ => return Err("give one of network, bridge or kind".into()),
        }
        if !self.params.is_empty() && self.kind.is_none() {
            return Err("params belong to a NIC kind".into());
        }
        if let Some(k) = &self.kind
            && (k.is_empty() || k.len() > 64)
        {
            return Err("kind must be 1–64 characters".into());
        }
        if self.portgroup.is_some() && self.network.is_none() {
            return Err("a portgroup belongs to a network".into());
        }
        let has_vlan = !self.vlan_tags.is_empty() || self.trunk || self.native_vlan.is_some();
        if has_vlan && !(self.bridge.is_some() && self.openvswitch) {
            return Err(
                "VLANs of a NIC need an Open vSwitch bridge; on a network, pick a portgroup".into(),
            );
        }
        if self.openvswitch && self.bridge.is_none() {
            return Err("openvswitch applies to a bridge".into());
        }
        check_vlans(&self.vlan_tags, self.trunk, self.native_vlan)?;
        if let Some(m) = &self.model
            && !NIC_MODELS.contains(&m.as_str())
        {
            return Err(format!(
                "model '{m}' is not one of {}",
                NIC_MODELS.join(", ")
            ));
        }
        if let Some(mac) = &self.mac {
            normalize_mac(mac)?;
        }
        Ok(())
    }
}

impl NicUpdate {
    /// Checks that the change asks for something.
    pub fn validate(&self) -> Result<(), String> {
        let moves = self.network.is_some() || self.portgroup.is_some();
        let tags = match &self.vlan_tags {
            Some(tags) => tags,
            None if self.trunk.is_some() || self.native_vlan.is_some() => {
                return Err("trunk and nativeVlan come with vlanTags".into());
            }
            None if !moves && self.link_up.is_none() => {
                return Err("give network, portgroup, vlanTags or linkUp".into());
            }
            None => return Ok(()),
        };
        if moves {
            return Err(
                "a network NIC takes its VLANs from its portgroup; change the portgroup or the VLANs, not both"
                    .into(),
            );
        }
        check_vlans(tags, self.trunk.unwrap_or(false), self.native_vlan)
    }
}
