//! Persists supervisor reports and publishes them as events, in order: every write of a host's
//! state or sync status goes through here, so the events carry the rows in the order written.

use crate::EventBus;
use chrono::Utc;
use std::sync::Arc;
use tokio::sync::mpsc;
use virtumancer_model::{Event, HostId};
use virtumancer_store::{HostRepository, HostStateRecord, SyncOutcome};

/// One change of one host to record.
#[derive(Debug)]
pub(crate) struct Report {
    pub host_id: HostId,
    pub record: Recorded,
}

/// What changed.
#[derive(Debug)]
pub(crate) enum Recorded {
    /// The connection state.
    State(HostStateRecord),
    /// How a full inventory pass ended.
    Sync(SyncOutcome),
}

impl From<HostStateRecord> for Recorded {
    fn from(r: HostStateRecord) -> Self {
        Self::State(r)
    }
}

/// Runs until every report sender is gone.
pub(crate) async fn run(
    store: Arc<dyn HostRepository>,
    bus: EventBus,
    mut reports: mpsc::UnboundedReceiver<Report>,
) {
    while let Some(Report { host_id, record }) = reports.recv().await {
        match record {
            Recorded::State(record) => match store.record_state(host_id, &record).await {
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
            },
            Recorded::Sync(outcome) => match store.record_sync(host_id, &outcome).await {
                Ok(None) => {}
                Ok(Some(host)) => bus.publish(Event::HostUpserted {
                    host: Box::new(host),
                }),
                Err(e) => tracing::error!(%host_id, error = %e, "cannot record a host's sync"),
            },
        }
    }
}
