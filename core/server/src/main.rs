//! The `virtumancer` binary: command line, configuration, wiring of store, registry, engine
//! and API, and the embedded web UI. The only crate that names concrete plugins (see
//! [`plugins`]).

mod allocator;
mod cli;
mod config;
mod plugins;
mod serve;
mod web_assets;

use clap::Parser as _;

fn main() -> anyhow::Result<()> {
    allocator::configure();
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Serve(args) => {
            let config = config::ServeConfig::resolve(args)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(serve::run(config))
        }
        cli::Command::Openapi(args) => {
            let json = virtumancer_api::openapi().to_pretty_json()? + "\n";
            match args.output {
                Some(path) => std::fs::write(&path, json)?,
                None => print!("{json}"),
            }
            Ok(())
        }
    }
}
