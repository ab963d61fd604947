//! Newtyped identifiers.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;

/// Defines a UUID-backed id newtype with serde, utoipa, Display and FromStr.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh id: UUIDv7, time-ordered, so rows created together sit together in
            /// the database's indexes (bulk inserts append instead of scattering).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// Virtumancer's own identifier of a host (not libvirt's).
    HostId
);
uuid_id!(
    /// Virtumancer's own identifier of a VM (libvirt's UUID is `Vm::uuid`).
    VmId
);
uuid_id!(
    /// Identifier of a task (one change made through Virtumancer).
    TaskId
);
