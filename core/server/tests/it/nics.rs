//! NIC requests on libvirt's test driver: every bad input is refused precisely before a task
//! exists, and a request the host cannot carry out ends as a failed task with its reason.

use crate::actions::{discovered, finished, server_with};
use serde_json::json;

#[tokio::test]
async fn bad_nic_requests_get_precise_errors_and_create_no_task() {
    let (_d, s, _host, mut ev) = server_with("test:///default").await;
    let vm = discovered(&s, &mut ev, &_host).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not imported yet: refused.
    let (st, e) = s
        .post(
            &format!("/api/v1/vms/{vm}/nics"),
            json!({"network": "default"}),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{e}"
    );
    s.post("/api/v1/vms/import", json!({"vmIds": [vm]})).await;
    let unknown = uuid::Uuid::new_v4();
    let add = format!("/api/v1/vms/{vm}/nics");
    for (body, status, code) in [
        (
            json!({"network": "default", "mac": "01:00:5e:00:00:01"}),
            422,
            "invalid_request",
        ),
        (
            json!({"network": "default", "mac": "52:54:00:zz:00:01"}),
            422,
            "invalid_request",
        ),
        (
            json!({"network": "default", "mac": "00:00:00:00:00:00"}),
            422,
            "invalid_request",
        ),
        (
            json!({"network": "default", "bridge": "br0"}),
            422,
            "invalid_request",
        ),
        (json!({}), 422, "invalid_request"),
        (
            json!({"network": "default", "vlanTags": [10]}),
            422,
            "invalid_request",
        ),
        (
            json!({"bridge": "ovsbr0", "openvswitch": true, "vlanTags": [4095]}),
            422,
            "invalid_request",
        ),
        (
            json!({"bridge": "ovsbr0", "openvswitch": true, "vlanTags": [0]}),
            422,
            "invalid_request",
        ),
        (
            json!({"bridge": "ovsbr0", "openvswitch": true, "trunk": true}),
            422,
            "invalid_request",
        ),
        (
            json!({"network": "default", "model": "ne2k<script>"}),
            422,
            "invalid_request",
        ),
        (
            json!({"network": "default", "portgroup": "nope"}),
            422,
            "invalid_request",
        ),
        (json!({"network": "no-such-net"}), 404, "network_not_found"),
        (
            json!({"network": "default", "mac": "AA:BB:CC:DD:EE:FF"}),
            409,
            "action_not_allowed",
        ),
        (
            json!({"network": "default", "colour": "red"}),
            400,
            "invalid_json",
        ),
    ] {
        let (st, e) = s.post(&add, body.clone()).await;
        assert_eq!(
            (st, e["code"].as_str()),
            (status, Some(code)),
            "{body}: {e}"
        );
    }
    let (st, e) = s
        .post(
            &format!("/api/v1/vms/{unknown}/nics"),
            json!({"network": "default"}),
        )
        .await;
    assert_eq!((st, e["code"].as_str()), (404, Some("vm_not_found")));
    for (method, path, body, status, code) in [
        (
            reqwest::Method::DELETE,
            format!("{add}/52:54:00:00:00:99"),
            None,
            404,
            "nic_not_found",
        ),
        (
            reqwest::Method::DELETE,
            format!("{add}/not-a-mac"),
            None,
            422,
            "invalid_request",
        ),
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({})),
            422,
            "invalid_request",
        ),
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({"portgroup": "nope"})),
            422,
            "invalid_request",
        ),
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({"network": "gone-net"})),
            404,
            "network_not_found",
        ),
        // The test VM's NIC is on the 'default' network: its VLANs come from a portgroup.
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({"vlanTags": [10]})),
            422,
            "invalid_request",
        ),
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({"trunk": true})),
            422,
            "invalid_request",
        ),
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({"portgroup": "a", "vlanTags": [10]})),
            422,
            "invalid_request",
        ),
        (
            reqwest::Method::PATCH,
            format!("{add}/aa:bb:cc:dd:ee:ff"),
            Some(json!({"vlanTags": [4095]})),
            422,
            "invalid_request",
        ),
    ] {
        let (st, e) = s.send(method.clone(), &path, body).await;
        assert_eq!(
            (st, e["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {e}"
        );
    }
    let (_, tasks) = s.get("/api/v1/tasks?includeChildren=true").await;
    assert_eq!(tasks["total"], 0, "refused requests made no task: {tasks}");

    // Valid, but the test driver cannot hot-plug: a failed task with libvirt's reason, and
    // the VM keeps its one NIC.
    let (st, task) = s
        .post(
            &add,
            json!({"network": "default", "mac": "52:54:00:12:34:56"}),
        )
        .await;
    assert_eq!(
        (st, &task["kind"]),
        (202, &json!("vm.nic.attach")),
        "{task}"
    );
    let done = finished(&mut ev, &task).await;
    assert_eq!(done["state"], "failed", "{done}");
    assert!(
        done["error"].as_str().unwrap().contains("not supported"),
        "{done}"
    );
    let (_, detail) = s.get(&format!("/api/v1/vms/{vm}")).await;
    assert_eq!(detail["nics"].as_array().unwrap().len(), 1, "{detail}");
}
