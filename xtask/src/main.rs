//! `cargo run -p xtask -- <task>`: developer tasks for the Virtumancer workspace.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;
use xtask::{NodeSpec, generate};

#[cfg(feature = "wasm-c")]
mod wasm_c;

#[derive(Debug, Parser)]
#[command(
    name = "xtask",
    about = "Developer tasks for the Virtumancer workspace"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Write a libvirt test-driver node file (open it as `test:///ABSOLUTE/PATH`).
    GenNode(GenNodeArgs),
    /// Write the C bindings of a WIT world (for C plugins).
    #[cfg(feature = "wasm-c")]
    CBindings {
        /// The WIT package directory.
        #[arg(long)]
        wit: PathBuf,
        /// The world.
        #[arg(long)]
        world: String,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Turn a wasm32-wasi reactor core module into a component.
    #[cfg(feature = "wasm-c")]
    Componentize {
        /// The core module.
        #[arg(long)]
        core: PathBuf,
        /// The component to write.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
struct GenNodeArgs {
    /// Number of domains.
    #[arg(long, default_value_t = 1000)]
    domains: usize,
    /// Seed: the same seed always gives the same file.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Percentage of running domains.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u8).range(0..=100))]
    running_percent: u8,
    /// Percentage of paused domains (the rest are shut off).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(0..=100))]
    paused_percent: u8,
    /// Give every K-th domain two snapshots (`<test:domainsnapshot>`).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    snapshots_every: Option<u64>,
    /// Name prefix of the ordinary domains.
    #[arg(long, default_value = "vm")]
    prefix: String,
    /// Write without indentation (smaller file).
    #[arg(long)]
    compact: bool,
    /// Output file.
    #[arg(long, short)]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::GenNode(a) => gen_node(a),
        #[cfg(feature = "wasm-c")]
        Task::CBindings { wit, world, out } => wasm_c::c_bindings(&wit, &world, &out),
        #[cfg(feature = "wasm-c")]
        Task::Componentize { core, out } => wasm_c::componentize(&core, &out),
    }
}

fn gen_node(a: GenNodeArgs) -> anyhow::Result<()> {
    let spec = NodeSpec {
        domains: a.domains,
        seed: a.seed,
        running_percent: a.running_percent,
        paused_percent: a.paused_percent,
        snapshots_every: a
            .snapshots_every
            .map(usize::try_from)
            .transpose()
            .context("--snapshots-every is too large")?,
        prefix: a.prefix,
        pretty: !a.compact,
    };
    let started = Instant::now();
    let node = generate(&spec)?;
    let generated = started.elapsed();
    std::fs::write(&a.out, &node.xml).with_context(|| format!("writing {}", a.out.display()))?;
    let path = std::path::absolute(&a.out).unwrap_or(a.out);
    let s = &node.stats;
    eprintln!(
        "wrote {}: {} domains ({} running, {} paused, {} shut off), {} disks, {} NICs, \
         {} volumes, {} snapshots; {} bytes, generated in {:.1?}",
        path.display(),
        s.domains,
        s.running,
        s.paused,
        s.shutoff,
        s.disks,
        s.interfaces,
        s.volumes,
        s.snapshots,
        node.xml.len(),
        generated,
    );
    eprintln!(
        "open it with: virsh -c test://{} list --all",
        path.display()
    );
    Ok(())
}
