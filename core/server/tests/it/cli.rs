use crate::bin;

#[test]
fn help_explains_every_serve_option_and_its_environment_variable() {
    let out = bin().args(["serve", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for (flag, env) in [
        ("--listen", "VIRTUMANCER_LISTEN"),
        ("--data-dir", "VIRTUMANCER_DATA_DIR"),
        ("--database-url", "VIRTUMANCER_DATABASE_URL"),
        ("--log-level", "VIRTUMANCER_LOG"),
        ("--log-format", "VIRTUMANCER_LOG_FORMAT"),
        ("--config", "VIRTUMANCER_CONFIG"),
    ] {
        assert!(
            help.contains(flag) && help.contains(env),
            "{flag}/{env} missing from:\n{help}"
        );
    }
}

#[test]
fn openapi_command_prints_the_committed_document() {
    let out = bin().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/openapi.json"
    ))
    .unwrap();
    assert!(
        out.stdout == committed,
        "`virtumancer openapi` differs from openapi/openapi.json"
    );
}

#[test]
fn bad_configuration_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "serve",
            "--database-url",
            "postgres://db/x",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PostgreSQL"), "{err}");

    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "listen = 5\n").unwrap();
    let out = bin()
        .args(["serve", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("c.toml"));

    let out = bin()
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
