//! Storage pool and volume documents.

use crate::XmlError;
use crate::common::{Size, TypeAttr};
use serde::{Deserialize, Serialize};

/// `<pool type>`: a typed view of a storage pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "pool")]
pub struct StoragePool {
    /// `@type`: `dir`, `fs`, `netfs`, `logical`, `disk`, `iscsi`, `rbd`, …
    #[serde(rename = "@type")]
    pub kind: String,
    /// `<name>`.
    pub name: String,
    /// `<uuid>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// `<capacity unit>` (bytes by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Size>,
    /// `<allocation unit>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<Size>,
    /// `<available unit>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<Size>,
    /// `<source>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PoolSource>,
    /// `<target>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<PoolTarget>,
}

/// `<pool><source>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PoolSource {
    /// `<host name port>` entries (netfs, iscsi, rbd).
    #[serde(rename = "host", default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<crate::DiskSourceHost>,
    /// `<dir path>` (netfs export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathAttr>,
    /// `<device path>` entries (logical, disk, iscsi).
    #[serde(rename = "device", default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<PathAttr>,
    /// `<name>` (volume group, RBD pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `<format type>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TypeAttr>,
}

/// An element with a `@path` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathAttr {
    /// `@path`.
    #[serde(rename = "@path")]
    pub path: String,
}

/// `<pool><target><path>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PoolTarget {
    /// `<path>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl StoragePool {
    /// Reads the typed view of a pool document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::view_reader::from_str(xml).map_err(|e| XmlError::view("pool", e))
    }

    /// Writes a pool document from the typed view.
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        quick_xml::se::to_string(self)
    }
}

/// `<volume type>`: a typed view of a storage volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "volume")]
pub struct StorageVolume {
    /// `@type`: `file`, `block`, `dir`, `network`, `netdir`, `ploop`.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `<name>`.
    pub name: String,
    /// `<key>`: globally unique, usually the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `<capacity unit>`: the guest-visible size.
    pub capacity: Size,
    /// `<allocation unit>`: bytes used on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<Size>,
    /// `<physical unit>`: size of the container file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical: Option<Size>,
    /// `<target>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<VolumeTarget>,
    /// `<backingStore>`.
    #[serde(
        rename = "backingStore",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub backing_store: Option<VolumeTarget>,
}

/// `<target>` or `<backingStore>` of a volume.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeTarget {
    /// `<path>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `<format type>`, e.g. `qcow2`, `raw`, `iso`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TypeAttr>,
}

impl StorageVolume {
    /// Reads the typed view of a volume document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::view_reader::from_str(xml).map_err(|e| XmlError::view("volume", e))
    }

    /// Writes a volume document from the typed view.
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        quick_xml::se::to_string(self)
    }

    /// Capacity in bytes (default unit bytes).
    pub fn capacity_bytes(&self) -> Option<u64> {
        self.capacity.bytes("bytes")
    }

    /// Allocation in bytes, if reported.
    pub fn allocation_bytes(&self) -> Option<u64> {
        self.allocation.as_ref().and_then(|a| a.bytes("bytes"))
    }
}
