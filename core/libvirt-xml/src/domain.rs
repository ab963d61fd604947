//! The domain (VM) document.

use crate::common::{Flag, Size};
use crate::{Devices, Element, XmlError};
use serde::{Deserialize, Serialize};

/// `<domain>`: a typed view of libvirt's domain XML. Elements Virtumancer does not model are
/// skipped here and kept by [`DomainDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "domain")]
pub struct Domain {
    /// `@type`: `kvm`, `qemu`, `test`, …
    #[serde(rename = "@type")]
    pub kind: String,
    /// `@id` while running.
    #[serde(rename = "@id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// `<name>`.
    pub name: String,
    /// `<uuid>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// `<title>`: a short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `<description>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `<maxMemory slots unit>`: hot-plug ceiling.
    #[serde(rename = "maxMemory", default, skip_serializing_if = "Option::is_none")]
    pub max_memory: Option<MaxMemory>,
    /// `<memory unit>`: maximum allocation at boot.
    pub memory: Size,
    /// `<currentMemory unit>`: the balloon target.
    #[serde(
        rename = "currentMemory",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub current_memory: Option<Size>,
    /// `<vcpu placement current>`.
    pub vcpu: Vcpu,
    /// `<os>`.
    pub os: Os,
    /// `<features>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Features>,
    /// `<cpu>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    /// `<clock>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// `<on_poweroff>`: `destroy`, `restart`, `preserve`, `rename-restart`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_poweroff: Option<String>,
    /// `<on_reboot>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_reboot: Option<String>,
    /// `<on_crash>`: also `coredump-destroy`, `coredump-restart`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_crash: Option<String>,
    /// `<devices>`.
    #[serde(default)]
    pub devices: Devices,
}

/// `<maxMemory slots unit>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaxMemory {
    /// `@slots`.
    #[serde(rename = "@slots", default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<u32>,
    /// `@unit`.
    #[serde(rename = "@unit", default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The number.
    #[serde(rename = "$text")]
    pub value: u64,
}

impl MaxMemory {
    /// The ceiling in bytes (default unit KiB).
    pub fn bytes(&self) -> Option<u64> {
        Size {
            unit: self.unit.clone(),
            value: self.value,
        }
        .bytes("KiB")
    }
}

/// `<vcpu placement cpuset current>N</vcpu>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vcpu {
    /// `@placement`: `static` or `auto`.
    #[serde(
        rename = "@placement",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub placement: Option<String>,
    /// `@cpuset`.
    #[serde(rename = "@cpuset", default, skip_serializing_if = "Option::is_none")]
    pub cpuset: Option<String>,
    /// `@current`: vCPUs online at boot when fewer than the maximum.
    #[serde(rename = "@current", default, skip_serializing_if = "Option::is_none")]
    pub current: Option<u32>,
    /// Maximum vCPUs.
    #[serde(rename = "$text")]
    pub count: u32,
}

impl Vcpu {
    /// vCPUs online at boot.
    pub fn current(&self) -> u32 {
        self.current.unwrap_or(self.count)
    }
}

/// `<os firmware>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Os {
    /// `@firmware`: `bios` or `efi` (automatic firmware selection).
    #[serde(rename = "@firmware", default, skip_serializing_if = "Option::is_none")]
    pub firmware: Option<String>,
    /// `<type arch machine>hvm</type>`.
    #[serde(rename = "type")]
    pub os_type: OsType,
    /// `<loader readonly secure type>path</loader>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loader: Option<Loader>,
    /// `<nvram template>path</nvram>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nvram: Option<Nvram>,
    /// `<kernel>` for direct kernel boot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// `<initrd>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initrd: Option<String>,
    /// `<cmdline>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<String>,
    /// `<boot dev>` entries in order.
    #[serde(rename = "boot", default, skip_serializing_if = "Vec::is_empty")]
    pub boot: Vec<BootDevice>,
}

impl Os {
    /// `efi` or `bios`: from `@firmware`, else from a pflash loader, else `bios`.
    pub fn firmware_kind(&self) -> &str {
        if let Some(f) = &self.firmware {
            return f;
        }
        match &self.loader {
            Some(l)
                if l.kind.as_deref() == Some("pflash")
                    || l.path.to_ascii_lowercase().contains("ovmf") =>
            {
                "efi"
            }
            _ => "bios",
        }
    }
}

/// `<os><type arch machine>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsType {
    /// `@arch`.
    #[serde(rename = "@arch", default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// `@machine`, e.g. `pc-q35-7.2`.
    #[serde(rename = "@machine", default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// `hvm`, `linux`, `exe`.
    #[serde(rename = "$text")]
    pub value: String,
}

/// `<os><loader>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loader {
    /// `@readonly`: `yes`/`no`.
    #[serde(rename = "@readonly", default, skip_serializing_if = "Option::is_none")]
    pub readonly: Option<String>,
    /// `@secure`: `yes`/`no`.
    #[serde(rename = "@secure", default, skip_serializing_if = "Option::is_none")]
    pub secure: Option<String>,
    /// `@type`: `rom`, `pflash`.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Firmware image path.
    #[serde(rename = "$text", default)]
    pub path: String,
}

/// `<os><nvram>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nvram {
    /// `@template`.
    #[serde(rename = "@template", default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Variables file path.
    #[serde(rename = "$text", default)]
    pub path: String,
}

/// `<os><boot dev>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootDevice {
    /// `@dev`: `hd`, `cdrom`, `network`, `fd`.
    #[serde(rename = "@dev")]
    pub dev: String,
}

/// `<features>`: presence flags for the common ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Features {
    /// `<acpi/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acpi: Option<Flag>,
    /// `<apic/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apic: Option<Flag>,
    /// `<pae/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pae: Option<Flag>,
    /// `<hap/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hap: Option<Flag>,
    /// `<smm/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smm: Option<Flag>,
    /// `<vmport state>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vmport: Option<StateAttr>,
}

/// An element with a `@state` attribute (`on`/`off`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateAttr {
    /// `@state`.
    #[serde(rename = "@state")]
    pub state: String,
}

/// `<cpu mode match check>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cpu {
    /// `@mode`: `custom`, `host-model`, `host-passthrough`, `maximum`.
    #[serde(rename = "@mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `@match`: `minimum`, `exact`, `strict`.
    #[serde(rename = "@match", default, skip_serializing_if = "Option::is_none")]
    pub match_: Option<String>,
    /// `@check`: `none`, `partial`, `full`.
    #[serde(rename = "@check", default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// `<model fallback>name</model>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<CpuModel>,
    /// `<vendor>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// `<topology sockets dies cores threads>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<CpuTopology>,
}

/// `<cpu><model>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuModel {
    /// `@fallback`: `allow`, `forbid`.
    #[serde(rename = "@fallback", default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Model name, e.g. `Broadwell`.
    #[serde(rename = "$text", default)]
    pub name: String,
}

/// `<cpu><topology>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTopology {
    /// `@sockets`.
    #[serde(rename = "@sockets")]
    pub sockets: u32,
    /// `@dies`.
    #[serde(rename = "@dies", default, skip_serializing_if = "Option::is_none")]
    pub dies: Option<u32>,
    /// `@cores`.
    #[serde(rename = "@cores")]
    pub cores: u32,
    /// `@threads`.
    #[serde(rename = "@threads")]
    pub threads: u32,
}

/// `<clock offset><timer …/></clock>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// `@offset`: `utc`, `localtime`, `timezone`, `variable`.
    #[serde(rename = "@offset")]
    pub offset: String,
    /// `<timer>` entries.
    #[serde(rename = "timer", default, skip_serializing_if = "Vec::is_empty")]
    pub timers: Vec<Timer>,
}

/// `<clock><timer name tickpolicy present>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// `@name`: `rtc`, `pit`, `hpet`, `kvmclock`, `hypervclock`, `tsc`.
    #[serde(rename = "@name")]
    pub name: String,
    /// `@tickpolicy`.
    #[serde(
        rename = "@tickpolicy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tickpolicy: Option<String>,
    /// `@present`: `yes`/`no`.
    #[serde(rename = "@present", default, skip_serializing_if = "Option::is_none")]
    pub present: Option<String>,
}

impl Domain {
    /// Reads the typed view of a domain document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::view_reader::from_str(xml).map_err(|e| XmlError::view("domain", e))
    }

    /// Writes a new domain document from the typed view (use [`DomainDocument`] to edit an
    /// existing one without losing what the view does not model).
    pub fn to_xml(&self) -> Result<String, quick_xml::SeError> {
        quick_xml::se::to_string(self)
    }

    /// Memory at boot in bytes (default unit KiB).
    pub fn memory_bytes(&self) -> Option<u64> {
        memory_bytes(&self.memory)
    }

    /// Current (balloon) memory in bytes, or the boot memory when not set.
    pub fn current_memory_bytes(&self) -> Option<u64> {
        current_memory_bytes(&self.memory, self.current_memory.as_ref())
    }
}

/// `<memory>` in bytes (default unit KiB).
pub(crate) fn memory_bytes(memory: &Size) -> Option<u64> {
    memory.bytes("KiB")
}

/// `<currentMemory>` in bytes, or `<memory>` when it is not set.
pub(crate) fn current_memory_bytes(memory: &Size, current: Option<&Size>) -> Option<u64> {
    current.map_or_else(|| memory_bytes(memory), |m| m.bytes("KiB"))
}

/// A domain document that keeps everything libvirt wrote: typed reads through [`Domain`],
/// edits on the lossless [`Element`] tree, so unknown elements (and `<metadata>`) survive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainDocument {
    tree: Element,
    typed: Domain,
}

impl DomainDocument {
    /// Parses both the tree and the typed view.
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        let tree = Element::parse(xml).map_err(|e| XmlError::tree("domain", e))?;
        if tree.name != "domain" {
            return Err(XmlError::tree_msg(
                "domain",
                format!("root element is <{}>, not <domain>", tree.name),
            ));
        }
        let typed = Domain::from_xml(xml)?;
        Ok(Self { tree, typed })
    }

    /// The typed view.
    pub fn domain(&self) -> &Domain {
        &self.typed
    }

    /// The lossless tree.
    pub fn tree(&self) -> &Element {
        &self.tree
    }

    /// The children of `<metadata>` as XML text (custom namespaces of other tools).
    pub fn metadata_xml(&self) -> Option<String> {
        let md = self.tree.child("metadata")?;
        let inner: String = md
            .elements()
            .map(Element::to_xml)
            .collect::<Vec<_>>()
            .join("\n");
        Some(inner)
    }

    /// Applies an edit to the tree and re-reads the typed view; on a failed re-read nothing
    /// changes.
    pub fn edit(&mut self, f: impl FnOnce(&mut Element)) -> Result<(), XmlError> {
        let mut tree = self.tree.clone();
        f(&mut tree);
        let typed = Domain::from_xml(&tree.to_xml())?;
        self.tree = tree;
        self.typed = typed;
        Ok(())
    }

    /// The document as XML text.
    pub fn to_xml(&self) -> String {
        self.tree.to_xml()
    }
}
