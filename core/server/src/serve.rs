//! `virtumancer serve`: wires store, registry, engine and API and runs the HTTP server.

use crate::cli::LogFormat;
use crate::config::ServeConfig;
use crate::{plugins, web_assets};
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;
use virtumancer_api::AppState;
use virtumancer_drivers::Registry;
use virtumancer_engine::{EventBus, HostFleet, NewHost};
use virtumancer_plugin_host::{FileKv, PluginCatalog, PluginEngine};

const DEMO_SEEDED: &str = "demo_seeded";

fn init_logging(config: &ServeConfig) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.log_level)
        .with_context(|| format!("invalid log level '{}'", config.log_level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    Ok(())
}

/// The WASM plugins installed in `<data dir>/plugins`, loaded (compiled components are cached
/// in `<data dir>/plugin-cache`, plugin key-value pairs kept in `<data dir>/plugin-kv`).
async fn wasm_plugins(
    config: &ServeConfig,
    store: Arc<dyn virtumancer_store::Store>,
) -> anyhow::Result<Arc<PluginCatalog>> {
    let data = config.data_dir.clone();
    let inventory: Arc<dyn virtumancer_plugin_host::InventoryBackend> =
        Arc::new(virtumancer_api::StoreInventory::new(store));
    tokio::task::spawn_blocking(move || {
        let engine = Arc::new(PluginEngine::new(Some(data.join("plugin-cache")))?);
        let kv = Arc::new(FileKv::new(data.join("plugin-kv")));
        let catalog = PluginCatalog::new(data.join("plugins"), engine, kv, Some(inventory))?;
        let (loaded, broken) = catalog.load_all();
        tracing::info!(loaded, broken, dir = %data.join("plugins").display(), "WASM plugins");
        anyhow::Ok(Arc::new(catalog))
    })
    .await?
}

pub async fn run(config: ServeConfig) -> anyhow::Result<()> {
    init_logging(&config)?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;

    let mut plugin_config = BTreeMap::new();
    plugin_config.insert(
        "libvirt".to_owned(),
        serde_json::json!({ "stateDir": config.data_dir.join("libvirt") }),
    );
    let registry =
        Arc::new(Registry::from_inventory(&plugin_config).context("building the plugin registry")?);
    for kind in plugins::EXPECTED_KINDS {
        anyhow::ensure!(
            registry.plugins().iter().any(|p| p.kind == *kind),
            "built-in plugin '{kind}' is not registered"
        );
    }
    for p in registry.plugins() {
        tracing::info!(kind = %p.kind, version = %p.version, "plugin registered");
    }

    let store = virtumancer_store::open(&config.database_url)
        .await
        .context("opening the database")?;
    let seed_demo = config.demo_host
        && store.meta(DEMO_SEEDED).await?.is_none()
        && store.list_hosts().await?.is_empty();
    let fleet = HostFleet::start(Arc::clone(&store), registry, EventBus::new()).await?;
    if seed_demo {
        let demo = NewHost {
            name: "demo".into(),
            uri: "test:///default".into(),
            auto_connect: true,
            ..Default::default()
        };
        fleet.add(demo).await.context("adding the demo host")?;
        tracing::info!("new database: added the demo host (libvirt test driver)");
    }
    if config.demo_host || seed_demo {
        store.set_meta(DEMO_SEEDED, "1").await?;
    }

    let state = AppState::new(Arc::clone(&fleet))
        .with_plugins(wasm_plugins(&config, Arc::clone(&store)).await?);
    let app = virtumancer_api::router(state).fallback(web_assets::handler(config.web_dir.clone()));
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!("listening on http://{addr}");
    if let Some(path) = &config.ready_file {
        std::fs::write(path, addr.to_string())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // The client address is recorded as who asked for a task.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shutting down: closing host connections");
    fleet.shutdown().await;
    // Moves SQLite's log into the database file; a connection still held somewhere must not
    // keep the process from exiting.
    if tokio::time::timeout(std::time::Duration::from_secs(5), store.close())
        .await
        .is_err()
    {
        tracing::warn!("the database did not close within 5 s; exiting anyway");
    }
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
