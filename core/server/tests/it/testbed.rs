//! Tests against the project's real libvirtd (QEMU driver) and sshd on loopback, started by
//! `make test` (scripts/testbed). They run one at a time (.config/nextest.toml) because one of
//! them stops and restarts that libvirtd.
