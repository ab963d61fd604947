//! Fan-out of typed events to subscribers (WebSocket clients, tests).

use std::sync::{Arc, OnceLock};
use tokio::sync::broadcast;
use virtumancer_model::Event;

/// How many events a subscriber may fall behind before it is told it lagged.
pub const SUBSCRIBER_BACKLOG: usize = 1024;

/// An event as published: one copy shared by every subscriber, with its JSON encoded at most
/// once however many WebSocket clients send it (a stats event of 10,000 VMs is ~2 MB).
#[derive(Debug)]
pub struct Published {
    event: Event,
    json: OnceLock<Result<String, String>>,
}

impl Published {
    /// The event.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// The event as JSON, encoded on first use.
    pub fn json(&self) -> Result<&str, &str> {
        self.json
            .get_or_init(|| serde_json::to_string(&self.event).map_err(|e| e.to_string()))
            .as_deref()
            .map_err(String::as_str)
    }
}

impl std::ops::Deref for Published {
    type Target = Event;

    fn deref(&self) -> &Event {
        &self.event
    }
}

/// A broadcast channel of [`Event`]s. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<Published>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// A bus with the default backlog.
    pub fn new() -> Self {
        Self::with_backlog(SUBSCRIBER_BACKLOG)
    }

    /// A bus whose subscribers may fall `backlog` events behind.
    pub fn with_backlog(backlog: usize) -> Self {
        Self {
            tx: broadcast::channel(backlog).0,
        }
    }

    /// Sends `event` to every current subscriber (none is fine).
    pub fn publish(&self, event: Event) {
        let _ = self.tx.send(Arc::new(Published {
            event,
            json: OnceLock::new(),
        }));
    }

    /// How many subscriptions are open (WebSocket clients, internal listeners).
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// A new subscription receiving events published from now on. A subscriber that falls too
    /// far behind gets `RecvError::Lagged` and should be dropped.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.tx.subscribe()
    }
}
