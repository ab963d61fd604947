//! Marks the timed part of a cold pass for `perf record`, so that `scripts/bench-profile.sh`
//! samples exactly what the benchmark times (every thread), and not the seconds spent opening
//! a test-driver node before it.
//!
//! perf starts disabled (`-D -1`) with `--control=fifo:CTL,ACK`; [`enable`] and [`disable`]
//! write its commands to `BENCH_PERF_CTL` and wait for the acknowledgement on `BENCH_PERF_ACK`.
//! Without those variables both do nothing.

use std::io::{Read, Write};

/// Samples from here on (under `perf record --control`).
pub fn enable() {
    command("enable");
}

/// Samples nothing from here on.
pub fn disable() {
    command("disable");
}

fn command(cmd: &str) {
    let (Some(ctl), Some(ack)) = (
        std::env::var_os("BENCH_PERF_CTL"),
        std::env::var_os("BENCH_PERF_ACK"),
    ) else {
        return;
    };
    let mut ctl = std::fs::OpenOptions::new()
        .write(true)
        .open(&ctl)
        .expect("opening perf's control fifo");
    ctl.write_all(format!("{cmd}\n").as_bytes())
        .expect("writing to perf's control fifo");
    // perf answers "ack\n" once the command has taken effect.
    let mut answer = [0u8; 4];
    std::fs::File::open(&ack)
        .and_then(|mut a| a.read_exact(&mut answer))
        .expect("reading perf's acknowledgement");
}
