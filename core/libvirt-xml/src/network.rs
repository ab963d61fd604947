//! The network document.

use crate::common::{VirtualPort, Vlan};
use crate::{Bandwidth, XmlError};
use serde::{Deserialize, Serialize};

/// `<network>`: a typed view of a libvirt virtual network (NAT, routed, isolated, open,
/// bridge, Open vSwitch…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "network")]
pub struct Network {
    /// `@connections` (live): interfaces attached now.
    #[serde(
        rename = "@connections",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub connections: Option<u32>,
    /// `<name>`.
    pub name: String,
    /// `<uuid>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// `<forward>`; absent for an isolated network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<Forward>,
    /// `<bridge name stp delay>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<NetworkBridge>,
    /// `<mtu size>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<Mtu>,
    /// `<mac address>` of the bridge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<crate::MacElement>,
    /// `<domain name>` (DNS domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<NamedElement>,
    /// `<bandwidth>` of the whole network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Bandwidth>,
    /// `<virtualport type>`: `openvswitch` for OVS networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualport: Option<VirtualPort>,
    /// `<vlan>` applied to every port without a portgroup VLAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<Vlan>,
    /// `<portgroup>` entries.
    #[serde(rename = "portgroup", default, skip_serializing_if = "Vec::is_empty")]
    pub portgroups: Vec<Portgroup>,
    /// `<ip>` entries (IPv4 and IPv6).
    #[serde(rename = "ip", default, skip_serializing_if = "Vec::is_empty")]
    pub ips: Vec<NetworkIp>,
}

impl Network {
    /// Reads the typed view of a network document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::view_reader::from_str(xml).map_err(|e| XmlError::view("network", e))
    }

    /// Writes a network document from the typed view.
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        quick_xml::se::to_string(self)
    }

    /// `@mode` of `<forward>`, or `isolated` when there is none.
    pub fn forward_mode(&self) -> &str {
        self.forward
            .as_ref()
            .map_or("isolated", |f| f.mode.as_deref().unwrap_or("nat"))
    }

    /// Whether this is an Open vSwitch network.
    pub fn is_openvswitch(&self) -> bool {
        self.virtualport.as_ref().and_then(|v| v.kind.as_deref()) == Some("openvswitch")
    }

    /// The default portgroup, if one is marked.
    pub fn default_portgroup(&self) -> Option<&Portgroup> {
        self.portgroups
            .iter()
            .find(|p| p.default.as_deref() == Some("yes"))
    }
}

/// `<forward mode dev>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Forward {
    /// `@mode`: `nat` (default), `route`, `open`, `bridge`, `private`, `vepa`, `passthrough`, `hostdev`.
    #[serde(rename = "@mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `@dev`: the uplink.
    #[serde(rename = "@dev", default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// `<interface dev>` pool for macvtap/hostdev modes.
    #[serde(rename = "interface", default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<DevAttr>,
}

/// An element with a `@dev` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevAttr {
    /// `@dev`.
    #[serde(rename = "@dev")]
    pub dev: String,
}

/// An element with a `@name` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedElement {
    /// `@name`.
    #[serde(rename = "@name")]
    pub name: String,
}

/// `<bridge name stp delay>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NetworkBridge {
    /// `@name`, e.g. `virbr0`.
    #[serde(rename = "@name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@stp`: `on`/`off`.
    #[serde(rename = "@stp", default, skip_serializing_if = "Option::is_none")]
    pub stp: Option<String>,
    /// `@delay` seconds.
    #[serde(rename = "@delay", default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<u32>,
}

/// `<mtu size>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mtu {
    /// `@size` bytes.
    #[serde(rename = "@size")]
    pub size: u32,
}

/// `<portgroup name default>`: a named set of port settings, usually a VLAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portgroup {
    /// `@name`.
    #[serde(rename = "@name")]
    pub name: String,
    /// `@default='yes'`: used by interfaces that name no portgroup.
    #[serde(rename = "@default", default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `<vlan>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<Vlan>,
    /// `<virtualport>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualport: Option<VirtualPort>,
    /// `<bandwidth>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Bandwidth>,
}

impl Portgroup {
    /// Writes the `<portgroup>` element alone (for `virNetworkUpdate`).
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        quick_xml::se::to_string_with_root("portgroup", self)
    }
}

/// `<ip address netmask prefix family>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NetworkIp {
    /// `@family`: `ipv4` (default) or `ipv6`.
    #[serde(rename = "@family", default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// `@address`.
    #[serde(rename = "@address", default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `@netmask` (IPv4).
    #[serde(rename = "@netmask", default, skip_serializing_if = "Option::is_none")]
    pub netmask: Option<String>,
    /// `@prefix`.
    #[serde(rename = "@prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<u8>,
    /// `<dhcp>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp: Option<Dhcp>,
}

/// `<dhcp>` ranges and static hosts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dhcp {
    /// `<range start end>` entries.
    #[serde(rename = "range", default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<DhcpRange>,
    /// `<host mac name ip>` entries.
    #[serde(rename = "host", default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<DhcpHost>,
}

/// `<range start end>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhcpRange {
    /// `@start`.
    #[serde(rename = "@start")]
    pub start: String,
    /// `@end`.
    #[serde(rename = "@end")]
    pub end: String,
}

/// `<host mac id name ip>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DhcpHost {
    /// `@mac` (IPv4).
    #[serde(rename = "@mac", default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// `@id` (IPv6 DUID).
    #[serde(rename = "@id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `@name`.
    #[serde(rename = "@name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@ip`.
    #[serde(rename = "@ip", default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}
