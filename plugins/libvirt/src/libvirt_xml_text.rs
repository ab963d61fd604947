//! A domain's or a volume's XML description as libvirt returned it, read where libvirt wrote
//! it.
//!
//! `virt`'s `Domain::get_xml_desc` converts the C string lossily (a byte-by-byte UTF-8 scan),
//! copies it into a new `String` and frees libvirt's buffer. A full sync fetches every
//! domain's XML on the one thread whose work no sync can avoid (the floor of the benchmark),
//! and for a few KiB per domain that scan and copy were 7 % of that thread's instructions
//! (cachegrind, 1,000 generated test-driver domains: 185 million before, 173 million after).
//! Here the buffer is checked with std's UTF-8 validation (which skips over ASCII a word at a
//! time) and read in place until it is dropped. Text that is not UTF-8 (libvirt writes UTF-8,
//! so this should not happen) is converted as `virt` converts it. A pass reads every pool
//! volume's XML too (about one per VM), so volumes are read the same way.

use std::ffi::{CStr, c_char};
use std::ptr::NonNull;
use virt::domain::Domain;
use virt::storage_vol::StorageVol;
use virt::sys;

/// An XML document libvirt allocated, freed on drop.
pub(crate) struct LibvirtXmlText(Text);

enum Text {
    /// libvirt's buffer, valid UTF-8 of this many bytes (without its terminating NUL).
    Libvirt(NonNull<c_char>, usize),
    /// A lossy copy of a buffer that was not UTF-8.
    Converted(String),
}

// SAFETY: the buffer is owned (nothing else points into it) and never written, so it may be
// read from and freed on any thread.
unsafe impl Send for LibvirtXmlText {}

impl LibvirtXmlText {
    /// The XML description of `dom` (`virDomainGetXMLDesc`).
    pub(crate) fn of_domain(dom: &Domain, flags: u32) -> Result<Self, virt::error::Error> {
        // SAFETY: `dom` is a live domain handle, and the call returns NULL or a string it
        // allocated for us.
        unsafe { Self::returned(sys::virDomainGetXMLDesc(dom.as_ptr(), flags)) }
    }

    /// The XML description of `vol` (`virStorageVolGetXMLDesc`).
    pub(crate) fn of_volume(vol: &StorageVol, flags: u32) -> Result<Self, virt::error::Error> {
        // SAFETY: `vol` is a live volume handle, and the call returns NULL or a string it
        // allocated for us.
        unsafe { Self::returned(sys::virStorageVolGetXMLDesc(vol.as_ptr(), flags)) }
    }

    /// What a libvirt call that hands out a string returned: the text, or the call's error
    /// when it returned NULL.
    ///
    /// # Safety
    /// `raw` must be NULL or a NUL-terminated string allocated with `malloc`, owned by nobody
    /// else, and this thread's last libvirt call must be the one that returned it.
    unsafe fn returned(raw: *mut c_char) -> Result<Self, virt::error::Error> {
        let Some(raw) = NonNull::new(raw) else {
            return Err(virt::error::Error::last_error());
        };
        // SAFETY: per this function's contract.
        Ok(unsafe { Self::take(raw) })
    }

    /// Takes ownership of a NUL-terminated string allocated with `malloc`.
    ///
    /// # Safety
    /// `raw` must point to such a string, owned by nobody else.
    unsafe fn take(raw: NonNull<c_char>) -> Self {
        // SAFETY: per this function's contract.
        let bytes = unsafe { CStr::from_ptr(raw.as_ptr()) }.to_bytes();
        match std::str::from_utf8(bytes) {
            Ok(s) => Self(Text::Libvirt(raw, s.len())),
            Err(_) => {
                let converted = String::from_utf8_lossy(bytes).into_owned();
                // SAFETY: allocated with malloc, and `bytes` is not used after this.
                unsafe { libc::free(raw.as_ptr().cast()) };
                Self(Text::Converted(converted))
            }
        }
    }

    /// The document.
    pub(crate) fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: checked as UTF-8 of this length when taken, never written since, and
            // alive until `self` is dropped.
            Text::Libvirt(raw, len) => unsafe {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    raw.as_ptr().cast::<u8>(),
                    *len,
                ))
            },
            Text::Converted(s) => s,
        }
    }
}

impl Drop for LibvirtXmlText {
    fn drop(&mut self) {
        if let Text::Libvirt(raw, _) = self.0 {
            // SAFETY: allocated by libvirt with malloc and owned by us alone.
            unsafe { libc::free(raw.as_ptr().cast()) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A malloc'd copy of `bytes` with a terminating NUL, as libvirt hands out strings.
    fn c_copy(bytes: &[u8]) -> NonNull<c_char> {
        // SAFETY: a fresh allocation of the right size, filled before use.
        unsafe {
            let p = libc::malloc(bytes.len() + 1).cast::<u8>();
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
            NonNull::new(p.cast()).expect("malloc")
        }
    }

    #[test]
    fn utf8_is_read_in_place_and_other_bytes_as_virt_reads_them() {
        let xml = "<domain><title>ünïcødé ✓ &lt;web&gt;</title></domain>";
        // SAFETY: `c_copy` returns a malloc'd NUL-terminated string nobody else owns.
        let text = unsafe { LibvirtXmlText::take(c_copy(xml.as_bytes())) };
        assert!(matches!(text.0, Text::Libvirt(_, n) if n == xml.len()));
        assert_eq!(text.as_str(), xml);

        let bad = b"<name>a\xffb</name>";
        // SAFETY: as above.
        let text = unsafe { LibvirtXmlText::take(c_copy(bad)) };
        assert!(matches!(text.0, Text::Converted(_)));
        assert_eq!(text.as_str(), String::from_utf8_lossy(bad));
        // SAFETY: as above.
        assert_eq!(unsafe { LibvirtXmlText::take(c_copy(b"")) }.as_str(), "");
    }

    #[test]
    fn a_domain_reads_the_same_as_through_virt() {
        let conn = virt::connect::Connect::open(Some("test:///default")).expect("test driver");
        for dom in conn.list_all_domains(0).expect("list") {
            let ours = LibvirtXmlText::of_domain(&dom, 0).expect("xml");
            assert_eq!(ours.as_str(), dom.get_xml_desc(0).expect("xml"));
        }
        // A domain gone since it was listed fails as it fails through `virt`.
        let dom = virt::domain::Domain::lookup_by_name(&conn, "test").expect("test domain");
        dom.destroy().expect("destroy");
        dom.undefine().expect("undefine");
        let ours = LibvirtXmlText::of_domain(&dom, 0).err().expect("gone");
        let theirs = dom.get_xml_desc(0).expect_err("gone");
        assert_eq!(ours.code(), theirs.code());
        assert_eq!(ours.code(), virt::error::ErrorNumber::NoDomain);
        let mut conn = conn;
        let _ = conn.close();
    }

    #[test]
    fn a_volume_reads_the_same_as_through_virt() {
        let conn = virt::connect::Connect::open(Some("test:///default")).expect("test driver");
        let pool = virt::storage_pool::StoragePool::lookup_by_name(&conn, "default-pool")
            .expect("the test driver's pool");
        let vol = StorageVol::create_xml(
            &pool,
            "<volume><name>ünï&amp;code.img</name><capacity unit='MiB'>8</capacity></volume>",
            0,
        )
        .expect("create a volume");
        let ours = LibvirtXmlText::of_volume(&vol, 0).expect("xml");
        assert!(
            ours.as_str().contains("<name>ünï&amp;code.img</name>"),
            "{}",
            ours.as_str()
        );
        assert_eq!(ours.as_str(), vol.get_xml_desc(0).expect("xml"));
        // A volume deleted since it was listed fails as it fails through `virt`.
        vol.delete(0).expect("delete");
        let ours = LibvirtXmlText::of_volume(&vol, 0).err().expect("gone");
        let theirs = vol.get_xml_desc(0).expect_err("gone");
        assert_eq!(ours.code(), theirs.code());
        assert_eq!(ours.code(), virt::error::ErrorNumber::NoStorageVolume);
        let mut conn = conn;
        let _ = conn.close();
    }
}
