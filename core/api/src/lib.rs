//! Virtumancer's HTTP API: REST under `/api/v1`, the WebSocket event stream, the OpenAPI
//! document (utoipa) and the vendored Swagger UI.
//!
//! Depends on the engine's use cases and the model; never on a concrete plugin or on the
//! store's implementation. [`router`] builds the whole API for an [`AppState`]; [`openapi`]
//! returns the document that `openapi/openapi.json` must match.

mod actions;
mod api_error;
mod app_json;
mod app_query;
mod error_code;
mod event_filter;
mod events;
mod health;
mod hosts;
mod metrics;
mod networks;
mod nics;
mod path_ids;
mod plugin_entry;
mod plugin_events;
mod plugins;
mod portgroups;
mod ports;
mod requested_by;
mod stats;
mod store_inventory;
mod tasks;
mod topology;
mod vms;

pub use api_error::ApiError;
pub use error_code::ErrorCode;
pub use store_inventory::StoreInventory;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use std::time::Instant;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;
use virtumancer_engine::HostFleet;

/// The largest plugin upload (manifest and component).
pub const MAX_PLUGIN_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Largest accepted request body: room for a 10,000-VM bulk selection, nothing more.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The host use cases (and through them the registry and event bus).
    pub fleet: Arc<HostFleet>,
    /// The VM use cases.
    pub vms: virtumancer_engine::VmCatalog,
    /// Power actions and their tasks.
    pub power: virtumancer_engine::VmPower,
    /// The network use cases.
    pub networks: virtumancer_engine::NetworkCatalog,
    /// NIC tasks.
    pub nics: virtumancer_engine::VmNics,
    /// The installed WASM plugins, when the server runs with them.
    pub plugins: Option<Arc<virtumancer_plugin_host::PluginCatalog>>,
    /// When the server started, for `/health`.
    pub started: Instant,
}

impl AppState {
    /// State for a fleet, started now.
    pub fn new(fleet: Arc<HostFleet>) -> Self {
        let vms =
            virtumancer_engine::VmCatalog::new(Arc::clone(fleet.store()), fleet.bus().clone());
        let power = virtumancer_engine::VmPower::new(Arc::clone(&fleet));
        let networks = virtumancer_engine::NetworkCatalog::new(Arc::clone(&fleet));
        let nics = virtumancer_engine::VmNics::new(Arc::clone(&fleet));
        Self {
            fleet,
            vms,
            power,
            networks,
            nics,
            plugins: None,
            started: Instant::now(),
        }
    }

    /// The same state with a catalog of WASM plugins.
    pub fn with_plugins(mut self, plugins: Arc<virtumancer_plugin_host::PluginCatalog>) -> Self {
        let hooks = virtumancer_plugin_host::CatalogHooks(Arc::clone(&plugins));
        let kinds = Arc::new(virtumancer_plugin_host::CatalogNicKinds(Arc::clone(
            &plugins,
        )));
        self.nics = self
            .nics
            .with_hooks(Arc::new(hooks))
            .with_nic_kinds(Arc::clone(&kinds) as Arc<dyn virtumancer_drivers::NicKinds>);
        self.vms = self.vms.with_nic_kinds(kinds);
        let network_kinds = virtumancer_plugin_host::CatalogNetworkKinds(Arc::clone(&plugins));
        self.networks = self.networks.with_network_kinds(Arc::new(network_kinds));
        plugin_events::forward(self.fleet.bus(), Arc::clone(&plugins));
        self.plugins = Some(plugins);
        self
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Virtumancer API",
        description = "Manage fleets of libvirt/KVM hosts. Errors always have the shape `ApiError` with a stable `code`; see docs/api.md for the code table. Live changes arrive over the WebSocket `/api/v1/events` as `Event` messages.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    tags(
        (name = "hosts", description = "libvirt hosts and their connections"),
        (name = "vms", description = "The inventory of VMs: managed and discovered"),
        (name = "actions", description = "Power actions on VMs, answered with tasks"),
        (name = "networks", description = "Virtual networks of hosts: bridges, Open vSwitch, portgroups and VLANs"),
        (name = "tasks", description = "Every change made through Virtumancer"),
        (name = "stats", description = "Live usage of hosts and VMs"),
        (name = "plugins", description = "Built-in driver plugins and installed WASM plugins"),
        (name = "system", description = "Health and metadata"),
    ),
    components(schemas(
        virtumancer_model::Event,
        virtumancer_model::Topic,
        virtumancer_model::PowerAction,
        virtumancer_model::NetworkAction,
        stats::StatsRange,
        ErrorCode,
        vms::VmSortKey,
        plugins::PluginAction
    ))
)]
struct ApiDoc;

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .routes(routes!(hosts::list_hosts, hosts::create_host))
            .routes(routes!(hosts::test_connection))
            .routes(routes!(
                hosts::get_host,
                hosts::update_host,
                hosts::delete_host
            ))
            .routes(routes!(hosts::connect_host))
            .routes(routes!(hosts::disconnect_host))
            .routes(routes!(vms::list_vms))
            .routes(routes!(vms::list_discovered_vms))
            .routes(routes!(vms::vm_counts))
            .routes(routes!(vms::get_vm))
            .routes(routes!(vms::get_vm_drift))
            .routes(routes!(vms::resync_vm))
            .routes(routes!(vms::import_vms))
            .routes(routes!(vms::dismiss_vms))
            .routes(routes!(vms::import_all_vms))
            .routes(routes!(vms::undismiss_vms))
            .routes(routes!(vms::resync_host))
            .routes(routes!(actions::vm_action))
            .routes(routes!(actions::bulk_vm_action))
            .routes(routes!(actions::list_power_actions))
            .routes(routes!(stats::vm_stats))
            .routes(routes!(stats::host_stats))
            .routes(routes!(stats::all_vm_stats))
            .routes(routes!(networks::list_networks))
            .routes(routes!(networks::list_network_kinds))
            .routes(routes!(networks::create_network))
            .routes(routes!(networks::network_action))
            .routes(routes!(networks::delete_network))
            .routes(routes!(portgroups::add_portgroup))
            .routes(routes!(
                portgroups::replace_portgroup,
                portgroups::remove_portgroup
            ))
            .routes(routes!(ports::list_ports))
            .routes(routes!(topology::get_topology))
            .routes(routes!(nics::attach_nic))
            .routes(routes!(nics::list_nic_kinds))
            .routes(routes!(nics::update_nic, nics::detach_nic))
            .routes(routes!(tasks::list_tasks))
            .routes(routes!(tasks::get_task))
            .routes(routes!(tasks::cancel_task))
            .routes({
                // Components are megabytes (JavaScript and Python ones 10–20 MB).
                let (schemas, paths, router) =
                    routes!(plugins::list_plugins, plugins::install_plugin);
                (
                    schemas,
                    paths,
                    router.layer(DefaultBodyLimit::max(MAX_PLUGIN_UPLOAD_BYTES)),
                )
            })
            .routes(routes!(plugins::plugin_action))
            .routes(routes!(plugins::set_plugin_grants))
            .routes(routes!(plugins::set_plugin_config))
            .routes(routes!(plugins::remove_plugin))
            .routes(routes!(health::health)),
    )
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().into_openapi()
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// The complete API: REST, WebSocket, `/api/openapi.json` and Swagger UI at `/api/docs`.
/// Unknown `/api/…` paths answer with a JSON `not_found` error (see [`ApiError::route_not_found`]).
pub fn router(state: AppState) -> Router {
    let (rest, doc) = api_router().split_for_parts();
    rest.route("/api/v1/events", axum::routing::get(events::subscribe))
        .route("/metrics", axum::routing::get(metrics::metrics))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
}
