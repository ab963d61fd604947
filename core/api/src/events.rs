//! `GET /api/v1/events`: the WebSocket event stream.
//!
//! Query `?topics=hosts,stats` (comma-separated; default: `hosts`), optionally narrowed with
//! `hostIds=…` and `vmIds=…` (comma-separated ids). A client may change its subscription later
//! by sending `{"subscribe": ["stats"], "hostIds": […], "vmIds": […]}` (absent lists mean all).
//! Events are filtered on the server. A
//! client that falls more than the bus backlog behind, or does not accept a message within
//! [`SEND_DEADLINE`], is disconnected with close code 1008 and a reason; it should reconnect
//! and refetch.

use crate::AppState;
use crate::event_filter::EventFilter;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use virtumancer_engine::{Published, StatsHub};
use virtumancer_model::Topic;

/// How long one message may take to be accepted by a client.
pub const SEND_DEADLINE: Duration = Duration::from_secs(10);
const POLICY_VIOLATION: u16 = 1008;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventQuery {
    topics: Option<String>,
    host_ids: Option<String>,
    vm_ids: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ClientMessage {
    subscribe: Vec<Topic>,
    #[serde(default, rename = "hostIds")]
    host_ids: Option<HashSet<virtumancer_model::HostId>>,
    #[serde(default, rename = "vmIds")]
    vm_ids: Option<HashSet<virtumancer_model::VmId>>,
}

fn parse_topics(s: Option<&str>) -> Result<HashSet<Topic>, String> {
    let Some(s) = s.filter(|s| !s.trim().is_empty()) else {
        return Ok([Topic::Hosts].into());
    };
    s.split(',')
        .map(|t| {
            serde_json::from_value(serde_json::Value::String(t.trim().to_owned()))
                .map_err(|_| format!("unknown topic '{t}'"))
        })
        .collect()
}

/// Upgrades to a WebSocket that streams [`Event`]s.
pub async fn subscribe(
    State(state): State<AppState>,
    Query(q): Query<EventQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, crate::ApiError> {
    let topics = parse_topics(q.topics.as_deref())
        .map_err(|m| crate::ApiError::new(crate::ErrorCode::InvalidJson, m))?;
    let filter = EventFilter::parse(q.host_ids.as_deref(), q.vm_ids.as_deref())
        .map_err(|m| crate::ApiError::new(crate::ErrorCode::InvalidQuery, m))?;
    // Subscribe before answering 101, so nothing published after the handshake is missed.
    let rx = state.fleet.bus().subscribe();
    let hub = Arc::clone(state.fleet.stats());
    Ok(ws.on_upgrade(move |socket| stream(socket, rx, topics, filter, hub)))
}

/// How long the close frame may take: a client being dropped for not reading has a full
/// socket, so its resources are released soon either way.
const CLOSE_DEADLINE: Duration = Duration::from_secs(1);

async fn close(mut socket: WebSocket, reason: String) {
    let frame = CloseFrame {
        code: POLICY_VIOLATION,
        reason: reason.into(),
    };
    let _ = tokio::time::timeout(CLOSE_DEADLINE, socket.send(Message::Close(Some(frame)))).await;
}

async fn stream(
    mut socket: WebSocket,
    mut rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    mut topics: HashSet<Topic>,
    mut filter: EventFilter,
    hub: Arc<StatsHub>,
) {
    // While this client follows live usage, hosts are sampled at the fast tick.
    let watching = |t: &HashSet<Topic>| t.contains(&Topic::Stats).then(|| hub.watch());
    let mut _watch = watching(&topics);
    loop {
        tokio::select! {
            // Events already published are handled before the client's next frame, so a
            // client can use a ping as a barrier and a subscription change never reorders.
            biased;
            ev = rx.recv() => match ev {
                Ok(ev) if topics.contains(&ev.topic()) => {
                    // Unfiltered clients share the event's JSON, encoded once for all of them.
                    let text = match filter.apply(ev.event()) {
                        None => continue,
                        Some(Cow::Borrowed(_)) => ev.json().map(str::to_owned).map_err(str::to_owned),
                        Some(Cow::Owned(own)) => serde_json::to_string(&own).map_err(|e| e.to_string()),
                    };
                    let text = match text {
                        Ok(t) => t,
                        Err(e) => { tracing::error!(error = %e, "cannot serialize event"); continue; }
                    };
                    match tokio::time::timeout(SEND_DEADLINE, socket.send(Message::Text(text.into()))).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => return,
                        Err(_) => {
                            tracing::info!("dropping a WebSocket client that stopped reading");
                            return close(socket, "too slow: a message was not accepted within 10 s; reconnect and refetch".into()).await;
                        }
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    tracing::info!(missed = n, "dropping a WebSocket client that fell behind");
                    return close(socket, format!("too slow: fell {n} events behind; reconnect and refetch")).await;
                }
                Err(RecvError::Closed) => return,
            },
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(t))) => match serde_json::from_str::<ClientMessage>(&t) {
                    Ok(m) => {
                        topics = m.subscribe.into_iter().collect();
                        filter = EventFilter { hosts: m.host_ids, vms: m.vm_ids };
                        _watch = watching(&topics);
                    }
                    Err(e) => return close(socket, format!("unknown message: {e}")).await,
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
