//! Command-line interface.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Virtumancer: a web manager for fleets of libvirt/KVM hosts.
///
/// Every `serve` option can also come from an environment variable (shown in brackets) or from
/// a TOML file given with --config; the command line wins over the environment, which wins
/// over the file.
#[derive(Debug, Parser)]
#[command(name = "virtumancer", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: REST API, WebSocket events and web UI on one port.
    Serve(ServeArgs),
    /// Print the OpenAPI 3.1 document of the API (or write it to --output).
    Openapi(OpenapiArgs),
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// TOML file with any of: listen, data_dir, database_url, log_level, log_format, demo_host, web_dir.
    #[arg(long, env = "VIRTUMANCER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "VIRTUMANCER_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Folder for the SQLite database and runtime files [default: ./data].
    #[arg(long, env = "VIRTUMANCER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL [default: sqlite:<data-dir>/virtumancer.db].
    #[arg(long, env = "VIRTUMANCER_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Log filter, e.g. `info` or `virtumancer=debug,info` [default: info].
    #[arg(long, env = "VIRTUMANCER_LOG")]
    pub log_level: Option<String>,
    /// Log format [default: text].
    #[arg(long, env = "VIRTUMANCER_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Add a demo host (libvirt's test driver) when the database is new [default: true].
    #[arg(long, env = "VIRTUMANCER_DEMO_HOST")]
    pub demo_host: Option<bool>,
    /// Serve the web UI from this folder instead of the embedded build.
    #[arg(long, env = "VIRTUMANCER_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Write the bound address to this file once listening (for scripts and tests).
    #[arg(long, env = "VIRTUMANCER_READY_FILE")]
    pub ready_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OpenapiArgs {
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}
