//! Developer tasks for the Virtumancer workspace, run as `cargo run -p xtask -- <task>`.
//!
//! - `gen-node`: writes a libvirt test-driver node file ([`gen_node`]) with thousands of
//!   domains covering every disk and interface kind, for inventory tests and benchmarks.

pub mod gen_node;
pub mod rng;

pub use gen_node::{GenError, GeneratedNode, NodeSpec, NodeStats, domain_name, generate};
