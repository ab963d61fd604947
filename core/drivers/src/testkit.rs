//! Conformance suites every driver runs against its real backend.

use crate::{CloseReason, ConnectError, ConnectSpec, HostConnector};
use std::time::Duration;

/// Checks the [`HostConnector`] contract: `good` opens and yields plausible facts, closing
/// resolves `closed()`, `unreachable` fails with a transient error.
pub async fn host_connector_suite(
    connector: &dyn HostConnector,
    good: ConnectSpec,
    unreachable: ConnectSpec,
) {
    assert!(
        connector.supports(&good.uri),
        "connector must support its own good URI"
    );
    let conn = connector.open(&good).await.expect("opening the good spec");
    let facts = conn.facts().await.expect("facts");
    assert!(!facts.hostname.is_empty(), "hostname is empty");
    assert!(facts.cpu_count > 0, "no CPUs reported");
    assert!(facts.memory_bytes > 0, "no memory reported");
    assert!(
        facts.libvirt_version.split('.').count() == 3,
        "version {} is not x.y.z",
        facts.libvirt_version
    );
    assert!(!facts.hypervisor_type.is_empty());
    let mut closed = conn.closed();
    assert!(closed.borrow().is_none(), "fresh connection reports closed");
    conn.close().await;
    conn.close().await; // idempotent
    tokio::time::timeout(Duration::from_secs(10), closed.wait_for(Option::is_some))
        .await
        .expect("closed() did not resolve within 10 s")
        .expect("closed sender dropped");
    assert_eq!(*closed.borrow(), Some(CloseReason::Client));

    let err =
        match tokio::time::timeout(Duration::from_secs(60), connector.open(&unreachable)).await {
            Ok(Ok(_)) => panic!("unreachable spec opened"),
            Ok(Err(e)) => e,
            Err(_) => panic!("opening an unreachable host did not fail within 60 s"),
        };
    assert!(
        matches!(err, ConnectError::Unreachable(_) | ConnectError::Failed(_)),
        "{err:?}"
    );
    assert!(err.is_transient());
}
