use crate::{start, start_in, wait_event, wait_state};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use virtumancer_engine::{EngineError, HostChanges, NewHost, Published, TestRequest};
use virtumancer_model::{Event, Host, HostId, HostState, Vm};
use virtumancer_store::VmQuery;

fn new_host(name: &str, uri: &str) -> NewHost {
    NewHost {
        name: name.into(),
        uri: uri.into(),
        auto_connect: true,
        ..Default::default()
    }
}

const T: Duration = Duration::from_secs(20);

/// Waits until the bus carries `host` as `ready` says it must be; returns it.
async fn wait_host(
    rx: &mut broadcast::Receiver<Arc<Published>>,
    host: HostId,
    ready: impl Fn(&Host) -> bool,
) -> Host {
    let what = format!("host {host} becoming as expected");
    wait_event(rx, T, what, |ev| match ev {
        Event::HostUpserted { host: h } if h.id == host && ready(h) => Some((**h).clone()),
        _ => None,
    })
    .await
}

/// The VMs of `host`, in name order.
async fn vms_of(env: &crate::Env, host: HostId) -> Vec<Vm> {
    let query = VmQuery {
        host: Some(host),
        include_dismissed: true,
        limit: 100,
        ..VmQuery::default()
    };
    env.fleet.store().list_vms(&query).await.unwrap().items
}

/// Every full pass is recorded on its host: when the last one succeeded, also one that found
/// nothing to change (so a VM's "last seen" moves on without its row being written), and why
/// one failed, until the next success. Recording a pass is no edit: `updatedAt` stays.
#[tokio::test]
async fn each_full_pass_is_recorded_on_its_host() {
    let mut env = start().await;
    let h = env
        .fleet
        .add(new_host("demo", "test:///default"))
        .await
        .unwrap();
    let first = wait_host(&mut env.events, h.id, |h| h.last_synced_at.is_some()).await;
    assert_eq!(first.sync_failure, None);
    let synced = first.last_synced_at.unwrap();
    let vms = vms_of(&env, h.id).await;
    assert!(!vms.is_empty());
    // The pass dated the VMs it wrote with the time recorded for it.
    assert!(vms.iter().all(|v| v.last_seen_at == synced), "{vms:?}");

    // Nothing changed on the host: the pass writes no VM, yet its time is recorded.
    env.fleet.resync(h.id).await.unwrap();
    let second = wait_host(&mut env.events, h.id, |h| h.last_synced_at > Some(synced)).await;
    let resynced = second.last_synced_at.unwrap();
    assert_eq!(second.updated_at, first.updated_at);
    let again = vms_of(&env, h.id).await;
    for (before, after) in vms.iter().zip(&again) {
        assert_eq!(after.updated_at, before.updated_at, "{}", after.name);
        assert_eq!(after.last_seen_at, resynced, "{}", after.name);
    }

    // The database refuses the pass's writes: the pass fails, applies nothing, and says why.
    let url = format!("sqlite:{}", env.dir.path().join("v.db").display());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    let exec = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query(sql).execute(&db).await.unwrap() }
    };
    exec("UPDATE vms SET config_hash = 'stale'").await;
    exec(
        "CREATE TRIGGER refuse BEFORE UPDATE OF config_hash ON vms \
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    )
    .await;
    env.fleet.resync(h.id).await.unwrap();
    let failed = wait_host(&mut env.events, h.id, |h| h.sync_failure.is_some()).await;
    let failure = failed.sync_failure.clone().unwrap();
    assert!(
        failure.reason.contains("refused by the test"),
        "{failure:?}"
    );
    assert!(failure.at > resynced);
    assert_eq!(failed.last_synced_at, Some(resynced));
    assert_eq!(failed.updated_at, first.updated_at);
    let hashes = || async {
        sqlx::query_scalar::<_, String>("SELECT config_hash FROM vms")
            .fetch_all(&db)
            .await
            .unwrap()
    };
    assert!(hashes().await.iter().all(|h| h == "stale"));

    // The next pass succeeds: the failure is gone and the inventory is whole again.
    exec("DROP TRIGGER refuse").await;
    env.fleet.resync(h.id).await.unwrap();
    let healed = wait_host(&mut env.events, h.id, |h| h.sync_failure.is_none()).await;
    assert!(healed.last_synced_at > Some(resynced));
    assert!(hashes().await.iter().all(|h| h != "stale"));
    // What the API shows of the host says the same.
    assert_eq!(env.fleet.get(h.id).await.unwrap(), healed);
    env.fleet.shutdown().await;
}

#[tokio::test]
async fn added_host_connects_with_facts_and_user_disconnect_survives_restart() {
    let mut env = start().await;
    let h = env
        .fleet
        .add(new_host("demo <&> ü", "test:///default"))
        .await
        .unwrap();
    wait_state(&mut env.events, h.id, HostState::Connected, T).await;
    let got = env.fleet.get(h.id).await.unwrap();
    assert_eq!(got.state, HostState::Connected);
    assert_eq!(got.facts.as_ref().unwrap().hypervisor_type, "TEST");
    assert!(got.last_connected_at.is_some());

    env.fleet.disconnect(h.id).await.unwrap();
    wait_state(&mut env.events, h.id, HostState::Disconnected, T).await;
    env.fleet.shutdown().await;
    let dir = env.dir;

    // Restart on the same database: still disconnected, facts kept.
    let mut env = start_in(dir).await;
    wait_state(&mut env.events, h.id, HostState::Disconnected, T).await;
    let got = env.fleet.get(h.id).await.unwrap();
    assert!(!got.auto_connect);
    assert_eq!(got.state, HostState::Disconnected);
    assert!(got.facts.is_some());

    env.fleet.connect(h.id).await.unwrap();
    wait_state(&mut env.events, h.id, HostState::Connected, T).await;
    env.fleet.shutdown().await;
    let mut env = start_in(env.dir).await;
    wait_state(&mut env.events, h.id, HostState::Connected, T).await;
    env.fleet.shutdown().await;
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_stored() {
    let env = start().await;
    type Expect = fn(&EngineError) -> bool;
    let cases: Vec<(NewHost, Expect)> = vec![
        (new_host("", "test:///default"), |e| {
            matches!(e, EngineError::InvalidName(_))
        }),
        (new_host(&"x".repeat(300), "test:///default"), |e| {
            matches!(e, EngineError::InvalidName(_))
        }),
        (new_host("a", "foo://bar"), |e| {
            matches!(e, EngineError::InvalidUri(_))
        }),
        (new_host("a", "qemu+ssh://"), |e| {
            matches!(e, EngineError::InvalidUri(_))
        }),
        (
            NewHost {
                key_file: Some("/k".into()),
                ..new_host("a", "test:///default")
            },
            |e| matches!(e, EngineError::InvalidKeyFile(_)),
        ),
        (
            NewHost {
                key_file: Some("relative/key".into()),
                ..new_host("a", "qemu+ssh://127.0.0.1:1/system")
            },
            |e| matches!(e, EngineError::InvalidKeyFile(_)),
        ),
        (
            NewHost {
                key_file: Some("/nonexistent/id_ed25519".into()),
                ..new_host("a", "qemu+ssh://127.0.0.1:1/system")
            },
            |e| matches!(e, EngineError::InvalidKeyFile(m) if m.contains("/nonexistent/id_ed25519")),
        ),
        (
            NewHost {
                key_file: Some("/tmp".into()),
                ..new_host("a", "qemu+ssh://127.0.0.1:1/system")
            },
            |e| matches!(e, EngineError::InvalidKeyFile(m) if m.contains("not a regular file")),
        ),
        // Port 1 has no sshd: the host key cannot be fetched, so the host is not saved.
        (new_host("a", "qemu+ssh://root@127.0.0.1:1/system"), |e| {
            matches!(e, EngineError::Connect(_))
        }),
    ];
    for (req, ok) in cases {
        let e = env
            .fleet
            .add(req.clone())
            .await
            .expect_err(&format!("{req:?} must fail"));
        assert!(ok(&e), "{req:?}: unexpected {e:?}");
    }
    assert!(env.fleet.list().await.unwrap().is_empty());

    let a = env
        .fleet
        .add(new_host("alpha", "test:///default"))
        .await
        .unwrap();
    assert!(matches!(
        env.fleet.add(new_host("ALPHA", "qemu:///session")).await,
        Err(EngineError::NameTaken(_))
    ));
    assert!(matches!(
        env.fleet.add(new_host("beta", "test:///default")).await,
        Err(EngineError::UriTaken(_))
    ));
    let b = env
        .fleet
        .add(NewHost {
            auto_connect: false,
            ..new_host("beta", "qemu:///session")
        })
        .await
        .unwrap();
    let rename = HostChanges {
        name: Some("Alpha".into()),
        ..Default::default()
    };
    assert!(matches!(
        env.fleet.update(b.id, rename).await,
        Err(EngineError::NameTaken(_))
    ));
    assert_eq!(env.fleet.list().await.unwrap().len(), 2);
    assert_eq!(env.fleet.get(b.id).await.unwrap().name, "beta");

    let unknown = virtumancer_model::HostId::new();
    assert!(matches!(
        env.fleet.get(unknown).await,
        Err(EngineError::HostNotFound(_))
    ));
    assert!(matches!(
        env.fleet.remove(unknown).await,
        Err(EngineError::HostNotFound(_))
    ));
    assert!(matches!(
        env.fleet.connect(unknown).await,
        Err(EngineError::HostNotFound(_))
    ));
    env.fleet.remove(a.id).await.unwrap();
    assert_eq!(env.fleet.list().await.unwrap().len(), 1);
    env.fleet.shutdown().await;
}

#[tokio::test]
async fn rename_keeps_the_connection_and_uri_change_reconnects() {
    let mut env = start().await;
    let h = env
        .fleet
        .add(new_host("one", "test:///default"))
        .await
        .unwrap();
    wait_state(&mut env.events, h.id, HostState::Connected, T).await;
    let r = env
        .fleet
        .update(
            h.id,
            HostChanges {
                name: Some("two".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.name, "two");
    assert_eq!(r.state, HostState::Connected);

    let node = env.dir.path().join("node.xml");
    std::fs::write(&node, "<node><cpu><mhz>1000</mhz><model>n</model><nodes>1</nodes><sockets>1</sockets><cores>1</cores><threads>1</threads><active>1</active></cpu><memory>1048576</memory></node>").unwrap();
    let uri = format!("test://{}", node.display());
    env.fleet
        .update(
            h.id,
            HostChanges {
                uri: Some(uri.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    wait_state(&mut env.events, h.id, HostState::Connecting, T).await;
    wait_state(&mut env.events, h.id, HostState::Connected, T).await;
    let got = env.fleet.get(h.id).await.unwrap();
    assert_eq!(got.uri, uri);
    assert_eq!(got.facts.unwrap().cpu_count, 1);
    env.fleet.shutdown().await;
}

#[tokio::test]
async fn test_connection_reports_facts_and_saves_nothing() {
    let env = start().await;
    let t = env
        .fleet
        .test_connection(TestRequest {
            uri: "test:///default".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(t.facts.cpu_count, 16);
    assert!(t.host_key.is_none());
    let e = env
        .fleet
        .test_connection(TestRequest {
            uri: "qemu+tcp://127.0.0.1:1/system".into(),
            ..Default::default()
        })
        .await;
    assert!(matches!(e, Err(EngineError::Connect(_))), "{e:?}");
    assert!(env.fleet.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn tasks_running_when_the_server_stopped_are_failed_as_interrupted_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("v.db").display());
    let store = virtumancer_store::open(&url).await.unwrap();
    let mk = |state| {
        let mut t = virtumancer_engine::NewTask {
            kind: "vm.shutdown".into(),
            target_name: "vm <&>".into(),
            requested_by: "test".into(),
            ..Default::default()
        }
        .into_task(None);
        t.state = state;
        t
    };
    use virtumancer_model::TaskState;
    let (queued, running, done) = (
        mk(TaskState::Queued),
        mk(TaskState::Running),
        mk(TaskState::Succeeded),
    );
    store
        .insert_tasks(&[queued.clone(), running.clone(), done.clone()])
        .await
        .unwrap();
    drop(store);
    let env = crate::start_in(dir).await;
    let store = env.fleet.store();
    for t in [&queued, &running] {
        let now = store.get_task(t.id).await.unwrap().unwrap();
        assert_eq!(now.state, TaskState::Failed);
        assert_eq!(now.error.as_deref(), Some(virtumancer_engine::INTERRUPTED));
        assert!(now.finished_at.is_some());
    }
    let untouched = store.get_task(done.id).await.unwrap().unwrap();
    assert_eq!(untouched, done);
    env.fleet.shutdown().await;
}
