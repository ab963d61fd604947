//! Fan-out of typed events to subscribers (WebSocket clients, tests).

use tokio::sync::broadcast;
use virtumancer_model::Event;

/// How many events a subscriber may fall behind before it is told it lagged.
pub const SUBSCRIBER_BACKLOG: usize = 1024;

/// A broadcast channel of [`Event`]s. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
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
        let _ = self.tx.send(event);
    }

    /// A new subscription receiving events published from now on. A subscriber that falls too
    /// far behind gets `RecvError::Lagged` and should be dropped.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
