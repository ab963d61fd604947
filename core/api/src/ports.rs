//! Ports: every VM NIC across hosts with its network, portgroup and VLANs.

use crate::app_query::AppQuery;
use crate::vms::MAX_PER_PAGE;
use crate::{ApiError, AppState, ErrorCode};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use virtumancer_model::{HostId, Port};
use virtumancer_store::{PortQuery, PortSort};

/// Orders of the port list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PortSortParam {
    /// By VM name.
    #[default]
    Vm,
    /// By host name.
    Host,
    /// By MAC address.
    Mac,
    /// By network, then portgroup.
    Network,
}

/// Filters and paging of the port list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PortListParams {
    /// Only this host's VMs.
    host_id: Option<HostId>,
    /// Only NICs on this network (by name).
    network: Option<String>,
    /// Substring of VM name, MAC, network, portgroup, bridge, interface id or target device.
    q: Option<String>,
    /// Order (default `vm`).
    #[param(inline)]
    sort: Option<PortSortParam>,
    /// Page number, from 1 (default 1).
    page: Option<u32>,
    /// Page size, 1–500 (default 50).
    per_page: Option<u32>,
}

/// One page of ports.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortList {
    /// The page.
    pub items: Vec<Port>,
    /// Ports matching the filters in all.
    pub total: u64,
    /// This page's number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// Every VM port across hosts: VM, host, MAC, model, network or bridge, portgroup, VLAN tags
/// and trunk, virtual port and interface id, target device and link state. VMs that are gone
/// are left out.
#[utoipa::path(get, path = "/ports", tag = "networks", operation_id = "listPorts",
    params(PortListParams),
    responses(
        (status = 200, description = "A page of ports", body = PortList),
        (status = 400, description = "Bad filter or paging", body = ApiError),
        (status = 404, description = "No such host", body = ApiError),
    ))]
pub async fn list_ports(
    State(s): State<AppState>,
    AppQuery(p): AppQuery<PortListParams>,
) -> Result<Json<PortList>, ApiError> {
    let page = p.page.unwrap_or(1);
    let per_page = p.per_page.unwrap_or(50);
    if page == 0 || !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("page must be ≥ 1 and perPage 1–{MAX_PER_PAGE}"),
        ));
    }
    if p.q.as_ref().is_some_and(|s| s.chars().count() > 256) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "q is longer than 256 characters",
        ));
    }
    let query = PortQuery {
        host: p.host_id,
        network: p.network,
        search: p.q.filter(|s| !s.trim().is_empty()),
        sort: match p.sort.unwrap_or_default() {
            PortSortParam::Vm => PortSort::Vm,
            PortSortParam::Host => PortSort::Host,
            PortSortParam::Mac => PortSort::Mac,
            PortSortParam::Network => PortSort::Network,
        },
        offset: (page - 1).saturating_mul(per_page),
        limit: per_page,
    };
    let found = s.networks.ports(&query).await?;
    Ok(Json(PortList {
        items: found.items,
        total: found.total,
        page,
        per_page,
    }))
}
