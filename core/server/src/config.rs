//! Resolved configuration: command line, then environment, then TOML file, then defaults.

use crate::cli::{LogFormat, ServeArgs};
use anyhow::Context as _;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// What a config file may contain (unknown keys are errors).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    demo_host: Option<bool>,
    web_dir: Option<PathBuf>,
}

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub log_level: String,
    pub log_format: LogFormat,
    pub demo_host: bool,
    pub web_dir: Option<PathBuf>,
    pub ready_file: Option<PathBuf>,
}

impl ServeConfig {
    pub fn resolve(args: ServeArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading config file {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("parsing config file {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let data_dir = args
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = args
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("virtumancer.db").display()));
        Ok(Self {
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir,
            database_url,
            log_level: args
                .log_level
                .or(file.log_level)
                .unwrap_or_else(|| "info".into()),
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            demo_host: args.demo_host.or(file.demo_host).unwrap_or(true),
            web_dir: args.web_dir.or(file.web_dir),
            ready_file: args.ready_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_wins_over_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/v\"\nlog_format = \"json\"\ndemo_host = false\n").unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            listen: Some("127.0.0.1:1234".parse().unwrap()),
            ..Default::default()
        };
        let c = ServeConfig::resolve(args).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:1234");
        assert_eq!(c.data_dir, PathBuf::from("/srv/v"));
        assert_eq!(c.database_url, "sqlite:/srv/v/virtumancer.db");
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(!c.demo_host);
        assert_eq!(c.log_level, "info");

        std::fs::write(&path, "listen = \"x\"\n").unwrap();
        assert!(
            ServeConfig::resolve(ServeArgs {
                config: Some(path.clone()),
                ..Default::default()
            })
            .is_err()
        );
        std::fs::write(&path, "colour = \"blue\"\n").unwrap();
        let err = ServeConfig::resolve(ServeArgs {
            config: Some(path),
            ..Default::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("colour"), "{err:#}");
    }
}
