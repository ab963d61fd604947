//! Small shapes shared by several documents.

use serde::{Deserialize, Serialize};

/// A presence flag such as `<readonly/>` or `<acpi/>`: `Some(Flag)` when the element is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flag {}

/// A quantity with a unit attribute, e.g. `<memory unit='KiB'>1024</memory>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    /// `@unit`; each element has its own default (KiB for memory, bytes for capacity).
    #[serde(rename = "@unit", default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The number.
    #[serde(rename = "$text")]
    pub value: u64,
}

impl Size {
    /// A value in `unit`.
    pub fn new(value: u64, unit: &str) -> Self {
        Self {
            unit: Some(unit.to_owned()),
            value,
        }
    }

    /// The size in bytes; `default_unit` applies when `@unit` is absent. `None` for an unknown
    /// unit or an overflow.
    pub fn bytes(&self, default_unit: &str) -> Option<u64> {
        let factor: u64 = match self.unit.as_deref().unwrap_or(default_unit) {
            "b" | "bytes" => 1,
            "KB" => 1_000,
            "k" | "KiB" => 1 << 10,
            "MB" => 1_000_000,
            "M" | "MiB" => 1 << 20,
            "GB" => 1_000_000_000,
            "G" | "GiB" => 1 << 30,
            "TB" => 1_000_000_000_000,
            "T" | "TiB" => 1 << 40,
            "PB" => 1_000_000_000_000_000,
            "P" | "PiB" => 1 << 50,
            "EB" => 1_000_000_000_000_000_000,
            "E" | "EiB" => 1 << 60,
            _ => return None,
        };
        self.value.checked_mul(factor)
    }
}

/// `<vlan trunk='yes'><tag id='10' nativeMode='untagged'/>…</vlan>` on interfaces, networks
/// and portgroups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vlan {
    /// `@trunk='yes'`: a trunk even with a single tag.
    #[serde(rename = "@trunk", default, skip_serializing_if = "Option::is_none")]
    pub trunk: Option<String>,
    /// `<tag>` entries.
    #[serde(rename = "tag", default)]
    pub tags: Vec<VlanTag>,
}

impl Vlan {
    /// The `<vlan>` of a port with these tags (an access port for one, a trunk with `trunk`,
    /// `native` untagged); `None` without tags.
    pub fn of_tags(tags: &[u16], trunk: bool, native: Option<u16>) -> Option<Self> {
        (!tags.is_empty()).then(|| Self {
            trunk: trunk.then(|| "yes".to_owned()),
            tags: tags
                .iter()
                .map(|&id| VlanTag {
                    id,
                    native_mode: (native == Some(id)).then(|| "untagged".to_owned()),
                })
                .collect(),
        })
    }

    /// The same `<vlan>` as an editable tree element.
    pub fn to_element(&self) -> crate::Element {
        let mut el = crate::Element::new("vlan");
        el.set_attr("trunk", self.trunk.as_deref());
        for t in &self.tags {
            let mut tag = crate::Element::new("tag");
            tag.set_attr("id", Some(&t.id.to_string()));
            tag.set_attr("nativeMode", t.native_mode.as_deref());
            el.children.push(crate::Node::Element(tag));
        }
        el
    }

    /// Whether the port carries several VLANs (explicit trunk or more than one tag).
    pub fn is_trunk(&self) -> bool {
        self.trunk.as_deref() == Some("yes") || self.tags.len() > 1
    }

    /// The native VLAN of a trunk, if one tag has `nativeMode`.
    pub fn native(&self) -> Option<&VlanTag> {
        self.tags.iter().find(|t| t.native_mode.is_some())
    }
}

/// `<tag id nativeMode>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanTag {
    /// `@id`, 0–4095 as libvirt accepts it (Virtumancer validates 1–4094 on input).
    #[serde(rename = "@id")]
    pub id: u16,
    /// `@nativeMode`: `tagged` or `untagged`.
    #[serde(
        rename = "@nativeMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub native_mode: Option<String>,
}

/// `<virtualport type='openvswitch'><parameters interfaceid='…'/></virtualport>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualPort {
    /// `@type`: `openvswitch`, `802.1Qbg`, `802.1Qbh`, `midonet`.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `<parameters>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<VirtualPortParameters>,
}

/// `<virtualport><parameters>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VirtualPortParameters {
    /// `@interfaceid` (openvswitch, 802.1Qbh-less midonet).
    #[serde(
        rename = "@interfaceid",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub interface_id: Option<String>,
    /// `@profileid`.
    #[serde(
        rename = "@profileid",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub profile_id: Option<String>,
    /// `@managerid` (802.1Qbg).
    #[serde(
        rename = "@managerid",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub manager_id: Option<String>,
    /// `@typeid` (802.1Qbg).
    #[serde(rename = "@typeid", default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    /// `@instanceid` (802.1Qbg).
    #[serde(
        rename = "@instanceid",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub instance_id: Option<String>,
}

/// An element holding only a `@type`-like name attribute, e.g. `<model type='virtio'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeAttr {
    /// `@type`.
    #[serde(rename = "@type")]
    pub kind: String,
}

/// `<boot order='1'/>` on a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootOrder {
    /// `@order`, 1 first.
    #[serde(rename = "@order")]
    pub order: u32,
}

/// `<alias name='net0'/>` on a live device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// `@name`.
    #[serde(rename = "@name")]
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_convert_every_unit() {
        assert_eq!(
            Size {
                unit: None,
                value: 2
            }
            .bytes("KiB"),
            Some(2048)
        );
        assert_eq!(Size::new(3, "GiB").bytes("b"), Some(3 << 30));
        assert_eq!(Size::new(5, "MB").bytes("b"), Some(5_000_000));
        assert_eq!(Size::new(1, "parsec").bytes("b"), None);
        assert_eq!(
            Size::new(u64::MAX, "KiB").bytes("b"),
            None,
            "overflow is None, not a wrap"
        );
    }
}
