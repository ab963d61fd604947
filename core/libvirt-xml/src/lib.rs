//! Typed libvirt XML documents, read (and, as the inventory grows, written) with quick-xml and
//! serde. Never build or pick apart libvirt XML with string formatting elsewhere.
//!
//! So far: the host capabilities document (`virConnectGetCapabilities`). Depends on no other
//! Virtumancer crate and does not link libvirt.

mod capabilities;

pub use capabilities::Capabilities;

/// A document that libvirt produced could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed {document} XML")]
pub struct XmlError {
    /// Which document.
    pub document: &'static str,
    /// The parser's complaint.
    #[source]
    pub source: quick_xml::DeError,
}
