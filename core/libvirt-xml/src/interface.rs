//! `<interface>` in a domain's `<devices>`.

use crate::common::{Alias, BootOrder, TypeAttr, VirtualPort, Vlan};
use serde::{Deserialize, Serialize};

/// A network interface of any type. Types Virtumancer does not know (`vhostuser`, `vdpa`,
/// `hostdev`…) read fine: only `@type` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    /// `@type`: `network`, `bridge`, `direct`, `ethernet`, `user`, `vhostuser`, …
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@trustGuestRxFilters`.
    #[serde(
        rename = "@trustGuestRxFilters",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub trust_guest_rx_filters: Option<String>,
    /// `<mac address>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<MacElement>,
    /// `<source>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<InterfaceSource>,
    /// `<vlan>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<Vlan>,
    /// `<virtualport>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualport: Option<VirtualPort>,
    /// `<bandwidth>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Bandwidth>,
    /// `<target dev>` (live XML, or a fixed tap name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<InterfaceTarget>,
    /// `<model type>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<TypeAttr>,
    /// `<link state>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkState>,
    /// `<boot order>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<BootOrder>,
    /// `<alias>` (live XML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

impl Interface {
    /// The `<interface>` element alone, as `virDomainAttachDevice` and friends take it.
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        quick_xml::se::to_string_with_root("interface", self)
    }
}

/// `<mac address>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacElement {
    /// `@address`, e.g. `52:54:00:12:34:56`.
    #[serde(rename = "@address")]
    pub address: String,
}

/// `<source>` of an interface.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InterfaceSource {
    /// `@network` (type `network`).
    #[serde(rename = "@network", default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// `@portgroup` (type `network`).
    #[serde(
        rename = "@portgroup",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub portgroup: Option<String>,
    /// `@portid` (live, type `network`).
    #[serde(rename = "@portid", default, skip_serializing_if = "Option::is_none")]
    pub portid: Option<String>,
    /// `@bridge` (type `bridge`, and live type `network`).
    #[serde(rename = "@bridge", default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<String>,
    /// `@dev` (type `direct`: the host NIC).
    #[serde(rename = "@dev", default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// `@mode` (type `direct`: `bridge`, `vepa`, `private`, `passthrough`; vhostuser: `client`/`server`).
    #[serde(rename = "@mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `@type` (vhostuser: `unix`).
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `@path` (vhostuser socket).
    #[serde(rename = "@path", default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `<target dev managed>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceTarget {
    /// `@dev`, e.g. `vnet0`.
    #[serde(rename = "@dev")]
    pub dev: String,
}

/// `<link state='up|down'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkState {
    /// `@state`.
    #[serde(rename = "@state")]
    pub state: String,
}

/// `<bandwidth><inbound …/><outbound …/></bandwidth>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bandwidth {
    /// `<inbound>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbound: Option<BandwidthLimit>,
    /// `<outbound>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound: Option<BandwidthLimit>,
}

/// One direction of a bandwidth limit (KiB/s and KiB).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BandwidthLimit {
    /// `@average` KiB/s.
    #[serde(rename = "@average", default, skip_serializing_if = "Option::is_none")]
    pub average: Option<u64>,
    /// `@peak` KiB/s.
    #[serde(rename = "@peak", default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<u64>,
    /// `@burst` KiB.
    #[serde(rename = "@burst", default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u64>,
    /// `@floor` KiB/s (inbound on networks with QoS).
    #[serde(rename = "@floor", default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<u64>,
}
