//! Tests against the project's real libvirtd (QEMU driver) and sshd on loopback, started by
//! `make test` (scripts/testbed). They run one at a time (.config/nextest.toml) because one of
//! them stops and restarts that libvirtd.

mod nshost;
mod ovs;
mod plugins;
mod power;
mod reads;

use crate::{Events, Server, bin};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub(crate) struct Testbed {
    pub tcp_port: u16,
    tls_port: u16,
    pki_client: PathBuf,
    ssh_port: u16,
    ssh_dir: PathBuf,
    pub scripts: PathBuf,
}

pub(crate) fn testbed(test: &str) -> Option<Testbed> {
    if std::env::var("VIRTUMANCER_TESTBED").as_deref() != Ok("1") {
        eprintln!("SKIP {test}: needs the real libvirtd/sshd testbed (run via `make test`)");
        return None;
    }
    let env_or = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    Some(Testbed {
        tcp_port: env_or("VM_TEST_TCP_PORT", "16599").parse().unwrap(),
        tls_port: env_or("VM_TEST_TLS_PORT", "16598").parse().unwrap(),
        pki_client: PathBuf::from(env_or("VM_TEST_STATE", "/tmp/virtumancer-testbed"))
            .join("pki/client"),
        ssh_port: env_or("VM_TEST_SSH_PORT", "2222").parse().unwrap(),
        ssh_dir: PathBuf::from(env_or("VM_TEST_SSH_DIR", "/tmp/virtumancer-testbed/ssh")),
        scripts: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/testbed"),
    })
}

fn script(tb: &Testbed, name: &str, args: &[&str], env: &[(&str, &str)]) {
    let out = Command::new("bash")
        .arg(tb.scripts.join(name))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) async fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let s = server_in(dir.path()).await;
    (dir, s)
}

/// A server without the demo host on the data directory `data`.
pub(crate) async fn server_in(data: &Path) -> Server {
    Server::start(data, &["--demo-host", "false"]).await
}

#[tokio::test]
async fn ssh_hosts_need_an_accepted_host_key_over_openssh_and_libssh2() {
    let Some(tb) = testbed("ssh_hosts_need_an_accepted_host_key_over_openssh_and_libssh2") else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts").await;
    let key = tb.ssh_dir.join("id_ed25519").display().to_string();
    for (name, scheme) in [("ssh", "qemu+ssh"), ("libssh2", "qemu+libssh2")] {
        let uri = format!("{scheme}://root@127.0.0.1:{}/system", tb.ssh_port);
        // Test first: the answer carries the fingerprint to show the user.
        let (st, e) = s
            .post("/api/v1/hosts/test", json!({"uri": uri, "keyFile": key}))
            .await;
        assert_eq!(
            (st, e["code"].as_str()),
            (422, Some("host_key_unverified")),
            "{e}"
        );
        let fp = e["details"]["hostKey"]["fingerprint"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(fp.starts_with("SHA256:"));
        let (st, t) = s
            .post(
                "/api/v1/hosts/test",
                json!({"uri": uri, "keyFile": key, "acceptedHostKey": fp}),
            )
            .await;
        assert_eq!(st, 200, "{t}");
        assert_eq!(t["facts"]["hypervisorType"], "QEMU");
        assert_eq!(t["hostKey"]["fingerprint"], fp.as_str());

        // Adding without accepting is refused and stores nothing.
        let (st, e) = s
            .post(
                "/api/v1/hosts",
                json!({"name": name, "uri": uri, "keyFile": key}),
            )
            .await;
        assert_eq!(
            (st, e["code"].as_str()),
            (422, Some("host_key_unverified")),
            "{e}"
        );
        let (st, e) = s.post("/api/v1/hosts", json!({"name": name, "uri": uri, "keyFile": key, "acceptedHostKey": "SHA256:bogus"})).await;
        assert_eq!(
            (st, e["code"].as_str()),
            (422, Some("host_key_mismatch")),
            "{e}"
        );
        let (st, h) = s
            .post(
                "/api/v1/hosts",
                json!({"name": name, "uri": uri, "keyFile": key, "acceptedHostKey": fp}),
            )
            .await;
        assert_eq!(st, 201, "{h}");
        assert_eq!(h["hostKey"]["fingerprint"], fp.as_str());
        let id = h["id"].as_str().unwrap().to_owned();
        s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(30))
            .await;
        let (_, h) = s.get(&format!("/api/v1/hosts/{id}")).await;
        assert_eq!(h["facts"]["hypervisorType"], "QEMU");
    }
    let (_, hosts) = s.get("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 2);

    // Wrong client key: a precise reason in the test answer.
    let uri = format!("qemu+ssh://root@127.0.0.1:{}/system", tb.ssh_port);
    let (_, e) = s
        .post("/api/v1/hosts/test", json!({"uri": uri, "keyFile": key}))
        .await;
    let fp = e["details"]["hostKey"]["fingerprint"].clone();
    let wrong = tb.ssh_dir.join("wrong_ed25519").display().to_string();
    let (st, e) = s
        .post(
            "/api/v1/hosts/test",
            json!({"uri": uri, "keyFile": wrong, "acceptedHostKey": fp}),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (422, Some("authentication_failed")),
        "{e}"
    );
}

#[tokio::test]
async fn a_changed_ssh_host_key_is_refused_with_a_clear_error() {
    let Some(tb) = testbed("a_changed_ssh_host_key_is_refused_with_a_clear_error") else {
        return;
    };
    // A private sshd whose host key this test replaces, on a free port, stopped even if the
    // test fails half-way.
    let dir = tempfile::tempdir().unwrap();
    let ssh_dir = dir.path().join("ssh");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let env = [
        ("VM_TEST_SSH_PORT", port.as_str()),
        ("VM_TEST_SSH_DIR", ssh_dir.to_str().unwrap()),
    ];
    script(&tb, "sshd.sh", &["start"], &env);
    let _stop = StopSshd {
        script: tb.scripts.join("sshd.sh"),
        port: port.clone(),
        dir: ssh_dir.clone(),
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts").await;
    let key = ssh_dir.join("id_ed25519").display().to_string();
    let uri = format!("qemu+ssh://root@127.0.0.1:{port}/system");
    let (_, e) = s
        .post("/api/v1/hosts/test", json!({"uri": uri, "keyFile": key}))
        .await;
    let fp = e["details"]["hostKey"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "pinned", "uri": uri, "keyFile": key, "acceptedHostKey": fp}),
        )
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(30))
        .await;

    // The server gets a new host key (reinstall, or an attacker in the middle).
    script(&tb, "sshd.sh", &["stop"], &env);
    std::fs::remove_file(ssh_dir.join("ssh_host_ed25519_key")).unwrap();
    std::fs::remove_file(ssh_dir.join("ssh_host_ed25519_key.pub")).unwrap();
    script(&tb, "sshd.sh", &["start"], &env);

    let (st, e) = s
        .post(
            "/api/v1/hosts/test",
            json!({"uri": uri, "keyFile": key, "acceptedHostKey": fp}),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (422, Some("host_key_mismatch")),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("changed"), "{e}");
    assert_ne!(e["details"]["hostKey"]["fingerprint"], fp.as_str());

    // Reconnecting the saved host fails with the same reason and does not retry in a loop.
    s.post(&format!("/api/v1/hosts/{id}/actions/disconnect"), json!({}))
        .await;
    s.wait_host_state(&mut ev, &id, "disconnected", Duration::from_secs(20))
        .await;
    s.post(&format!("/api/v1/hosts/{id}/actions/connect"), json!({}))
        .await;
    s.wait_host_state(&mut ev, &id, "error", Duration::from_secs(30))
        .await;
    let (_, h) = s.get(&format!("/api/v1/hosts/{id}")).await;
    assert!(
        h["stateReason"]
            .as_str()
            .unwrap()
            .contains("host key changed"),
        "{h}"
    );
}

#[tokio::test]
async fn tls_hosts_connect_with_client_certificates_and_fail_clearly_without() {
    let Some(tb) = testbed("tls_hosts_connect_with_client_certificates_and_fail_clearly_without")
    else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts").await;
    let uri = format!(
        "qemu+tls://127.0.0.1:{}/system?pkipath={}",
        tb.tls_port,
        tb.pki_client.display()
    );
    let (st, h) = s
        .post("/api/v1/hosts", json!({"name": "tls", "uri": uri}))
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(30))
        .await;
    let (_, h) = s.get(&format!("/api/v1/hosts/{id}")).await;
    assert_eq!(h["facts"]["hypervisorType"], "QEMU");

    let nocerts = tempfile::tempdir().unwrap();
    let uri = format!(
        "qemu+tls://127.0.0.1:{}/system?pkipath={}",
        tb.tls_port,
        nocerts.path().display()
    );
    let (st, e) = s.post("/api/v1/hosts/test", json!({"uri": uri})).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (422, Some("authentication_failed")),
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("certificate"),
        "{e}"
    );
}

pub(crate) fn virsh(args: &[&str]) {
    virsh_out(args);
}

/// Runs virsh on the testbed daemon, asserts it succeeded, and returns its output.
pub(crate) fn virsh_out(args: &[&str]) -> String {
    let out = Command::new("virsh")
        .args(["-c", "qemu:///system"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "virsh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until the discovered/managed VM named `name` satisfies `pred` (re-reading after each
/// inventory event).
pub(crate) async fn wait_vm(
    s: &Server,
    ev: &mut crate::Events,
    name: &str,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, page) = s
            .get("/api/v1/discovered-vms?includeGone=true&perPage=500")
            .await;
        if let Some(vm) = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            && pred(vm)
        {
            return vm.clone();
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(
            !left.is_zero(),
            "VM {name} never matched; last page: {page}"
        );
        ev.wait(left, |e| e["type"] == "inventoryChanged").await;
    }
}

#[tokio::test]
async fn vms_changed_behind_our_back_follow_through_events_within_seconds() {
    let Some(tb) = testbed("vms_changed_behind_our_back_follow_through_events_within_seconds")
    else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts,inventory").await;
    let (st, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "qemu", "uri": format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port)}),
        )
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(30))
        .await;

    let dir = tempfile::tempdir().unwrap();
    let name = format!("vt-inv-{}", std::process::id());
    let xml = dir.path().join("vm.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{name}</name><title>&lt;lab&gt; &amp; \"x\" ünï</title><memory unit='MiB'>32</memory>\
             <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><cpu><topology sockets='1' cores='1' threads='1'/></cpu>\
             <on_crash>restart</on_crash><devices><disk type='file' device='cdrom'>\
             <target dev='hdc' bus='ide'/><readonly/></disk><graphics type='vnc' autoport='yes' listen='127.0.0.1'/>\
             <serial type='pty'><target port='0'/></serial></devices></domain>"
        ),
    )
    .unwrap();
    virsh(&["define", xml.to_str().unwrap()]);
    let vm = wait_vm(&s, &mut ev, &name, |v| v["state"] == "shutoff").await;
    assert_eq!(vm["title"], "<lab> & \"x\" ünï");
    let vm_id = vm["id"].as_str().unwrap().to_owned();

    virsh(&["start", &name]);
    wait_vm(&s, &mut ev, &name, |v| v["state"] == "running").await;
    let (_, detail) = s.get(&format!("/api/v1/vms/{vm_id}")).await;
    assert_eq!(detail["disks"][0]["device"], "cdrom");
    assert_eq!(
        detail["disks"][0]["sourcePath"],
        serde_json::Value::Null,
        "empty CD-ROM"
    );
    // QEMU adds the console that names serial port 0 again, and gives the port a pty on start:
    // one entry, without the pty's path.
    assert_eq!(
        detail["consoles"],
        serde_json::json!([{"kind": "serial", "targetType": "isa-serial", "port": 0,
                            "sourceType": "pty", "source": null}])
    );
    // The lifecycle action defined, libvirt's defaults for the others, and the video device
    // QEMU adds for the VNC display.
    let hw = &detail["hardware"];
    assert_eq!(
        (&hw["onCrash"], &hw["onPoweroff"], &hw["onReboot"]),
        (&json!("restart"), &json!("destroy"), &json!("restart"))
    );
    assert!(hw["video"].is_string(), "{hw}");
    assert_eq!(hw["cpuTopology"]["threads"], 1, "{hw}");
    virsh(&["destroy", &name]);
    wait_vm(&s, &mut ev, &name, |v| v["state"] == "shutoff").await;
    virsh(&["undefine", &name]);
    let gone = wait_vm(&s, &mut ev, &name, |v| v["goneAt"].is_string()).await;
    assert_eq!(
        gone["id"],
        vm_id.as_str(),
        "the same record is kept, marked gone"
    );
}

/// Stops a test's private sshd when dropped.
struct StopSshd {
    script: PathBuf,
    port: String,
    dir: PathBuf,
}

impl Drop for StopSshd {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(&self.script)
            .arg("stop")
            .env("VM_TEST_SSH_PORT", &self.port)
            .env("VM_TEST_SSH_DIR", &self.dir)
            .status();
    }
}

/// Starts the testbed libvirtd again when dropped (idempotent when it runs).
struct RestartLibvirtd(PathBuf);

impl Drop for RestartLibvirtd {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(&self.0).arg("start").status();
    }
}

/// Resumes a SIGSTOPped process even when the test fails half-way.
struct Resume(String);

impl Drop for Resume {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-CONT", &self.0]).status();
    }
}

/// Stops the testbed libvirtd with SIGSTOP: its sockets stay open but it answers nothing.
/// It resumes when the guard is dropped.
fn hang_libvirtd() -> Resume {
    let pid = std::fs::read_to_string("/run/libvirt/libvirtd.virtumancer.pid")
        .unwrap()
        .trim()
        .to_owned();
    let resume = Resume(pid.clone());
    assert!(
        Command::new("kill")
            .args(["-STOP", &pid])
            .status()
            .unwrap()
            .success()
    );
    resume
}

/// Adds a host on the testbed libvirtd over `qemu+tcp` and waits until it is connected.
async fn connected_tcp_host(s: &Server, ev: &mut Events, tb: &Testbed, name: &str) -> String {
    let uri = format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port);
    let (st, h) = s
        .post("/api/v1/hosts", json!({"name": name, "uri": uri}))
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    s.wait_host_state(ev, &id, "connected", Duration::from_secs(30))
        .await;
    id
}

#[tokio::test]
async fn a_hung_libvirtd_is_detected_by_keepalive_within_15_s() {
    let Some(tb) = testbed("a_hung_libvirtd_is_detected_by_keepalive_within_15_s") else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts").await;
    let id = connected_tcp_host(&s, &mut ev, &tb, "hang").await;

    // The daemon stops answering but its socket stays open: only keepalive can tell.
    let resume = hang_libvirtd();
    let stopped_at = std::time::Instant::now();
    // A full read now waits inside the hung daemon: libvirt 9.0 does not check keepalive on
    // a connection while a call waits on it, so detection must not depend on that.
    let (st, _) = s
        .post(&format!("/api/v1/hosts/{id}/actions/resync"), json!({}))
        .await;
    assert_eq!(st, 202);
    let down = ev
        .wait(Duration::from_secs(15), |e| {
            e["type"] == "hostState" && e["hostId"] == id && e["state"] == "disconnected"
        })
        .await;
    assert!(
        down["reason"].as_str().unwrap().contains("keepalive"),
        "{down}"
    );
    eprintln!(
        "hung libvirtd reported disconnected after {:?}",
        stopped_at.elapsed()
    );
    let (st, _) = s.get("/api/v1/hosts").await;
    assert_eq!(st, 200, "the API answers while the host hangs");
    drop(resume);
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(90))
        .await;
}

#[tokio::test]
async fn disconnecting_ends_a_sync_that_waits_on_a_hung_libvirtd() {
    let Some(tb) = testbed("disconnecting_ends_a_sync_that_waits_on_a_hung_libvirtd") else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts").await;
    let id = connected_tcp_host(&s, &mut ev, &tb, "hang-cut").await;

    let resume = hang_libvirtd();
    // The supervisor takes commands in order: the pass starts (and waits on the hung daemon)
    // before it sees the disconnect.
    let (st, _) = s
        .post(&format!("/api/v1/hosts/{id}/actions/resync"), json!({}))
        .await;
    assert_eq!(st, 202);
    let (st, body) = s
        .post(&format!("/api/v1/hosts/{id}/actions/disconnect"), json!({}))
        .await;
    assert!((200..300).contains(&st), "{st} {body}");
    // The disconnect ends the pass at once. Were it queued behind the pass, keepalive would
    // first report the connection lost, with that reason.
    let next = ev
        .wait(Duration::from_secs(30), |e| {
            e["type"] == "hostState" && e["hostId"] == id && e["state"] != "connected"
        })
        .await;
    assert_eq!(next["state"], "disconnected", "{next}");
    assert!(
        next["reason"].is_null(),
        "the user's disconnect, not a loss: {next}"
    );

    drop(resume);
    let (st, _) = s
        .post(&format!("/api/v1/hosts/{id}/actions/connect"), json!({}))
        .await;
    assert!((200..300).contains(&st), "{st}");
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(60))
        .await;
}

/// Last in the file on purpose: it stops and restarts the shared libvirtd.
#[tokio::test]
async fn a_killed_libvirtd_shows_as_disconnected_within_15_s_and_reconnects_by_itself() {
    let Some(tb) =
        testbed("a_killed_libvirtd_shows_as_disconnected_within_15_s_and_reconnects_by_itself")
    else {
        return;
    };
    let (_d, s) = server().await;
    let mut ev = s.events("hosts").await;
    let (st, h) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "tcp", "uri": format!("qemu+tcp://127.0.0.1:{}/system", tb.tcp_port)}),
        )
        .await;
    assert_eq!(st, 201, "{h}");
    let id = h["id"].as_str().unwrap().to_owned();
    let (_, other) = s
        .post(
            "/api/v1/hosts",
            json!({"name": "local-test", "uri": "test:///default"}),
        )
        .await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(30))
        .await;
    s.wait_host_state(&mut ev, &other_id, "connected", Duration::from_secs(30))
        .await;

    script(&tb, "libvirtd.sh", &["stop"], &[]);
    // Other tests need the daemon: start it again even if an assertion below fails.
    let _restart = RestartLibvirtd(tb.scripts.join("libvirtd.sh"));
    let down = ev
        .wait(Duration::from_secs(15), |e| {
            e["type"] == "hostState" && e["hostId"] == id && e["state"] == "disconnected"
        })
        .await;
    assert!(
        down["reason"].as_str().unwrap().contains("connection lost"),
        "{down}"
    );
    // The API keeps answering (each request has a 10 s client deadline) while the host is down.
    for _ in 0..3 {
        let (st, hosts) = s.get("/api/v1/hosts").await;
        assert_eq!(st, 200);
        let other = hosts
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == other_id.as_str())
            .unwrap()
            .clone();
        assert_eq!(other["state"], "connected", "other hosts are unaffected");
        let (st, _) = s.get("/api/v1/health").await;
        assert_eq!(st, 200);
    }
    script(&tb, "libvirtd.sh", &["start"], &[]);
    // Backoff is at most 30 s; allow a full cycle plus the connection itself.
    s.wait_host_state(&mut ev, &id, "connected", Duration::from_secs(60))
        .await;
    let _ = bin();
}
