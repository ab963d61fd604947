//! Persists supervisor reports and publishes them as events, in order.

use crate::EventBus;
use chrono::Utc;
use std::sync::Arc;
use tokio::sync::mpsc;
use virtumancer_model::{Event, HostId};
use virtumancer_store::{HostRepository, HostStateRecord};

/// One state change of one host.
#[derive(Debug)]
pub(crate) struct Report {
    pub host_id: HostId,
    pub record: HostStateRecord,
}

/// Runs until every report sender is gone.
pub(crate) async fn run(
    store: Arc<dyn HostRepository>,
    bus: EventBus,
    mut reports: mpsc::UnboundedReceiver<Report>,
) {
    while let Some(Report { host_id, record }) = reports.recv().await {
        match store.record_state(host_id, &record).await {
            // Deleted meanwhile: nothing to tell.
            Ok(None) => {}
            Ok(Some(host)) => {
                tracing::info!(host = %host.name, state = host.state.as_str(), reason = ?host.state_reason, "host state");
                bus.publish(Event::HostState {
                    host_id,
                    state: record.state,
                    reason: record.reason.clone(),
                    at: Utc::now(),
                });
                bus.publish(Event::HostUpserted {
                    host: Box::new(host),
                });
            }
            Err(e) => tracing::error!(%host_id, error = %e, "cannot record host state"),
        }
    }
}
