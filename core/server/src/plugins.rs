//! The built-in plugins linked into this binary. `inventory` only sees crates the binary
//! links, so every built-in plugin must be named here.

use virtumancer_plugin_libvirt as _;

/// Plugin kinds this binary must register; checked at start-up and by a test.
pub const EXPECTED_KINDS: &[&str] = &["libvirt"];
