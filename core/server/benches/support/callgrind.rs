//! Marks the timed part of a cold pass for callgrind, so that `scripts/bench-instructions.sh`
//! counts the instructions of exactly what the benchmark times, on every thread.
//!
//! Run with `--instr-atstart=no`, callgrind instruments nothing (opening the test-driver node
//! included) until [`start`] and nothing after [`stop`]. Natively both are a few register
//! rotations that change nothing: valgrind's client-request sequence (`valgrind.h`, amd64).

/// `VG_USERREQ_TOOL_BASE('C', 'T')`: callgrind's requests (`callgrind.h`).
const CALLGRIND: u64 = (b'C' as u64) << 24 | (b'T' as u64) << 16;
/// `VG_USERREQ__START_INSTRUMENTATION`, the fifth of them.
const START_INSTRUMENTATION: u64 = CALLGRIND + 4;
/// `VG_USERREQ__STOP_INSTRUMENTATION`.
const STOP_INSTRUMENTATION: u64 = CALLGRIND + 5;

/// Instruments from here on (under callgrind).
pub fn start() {
    request(START_INSTRUMENTATION);
}

/// Instruments nothing from here on (under callgrind).
pub fn stop() {
    request(STOP_INSTRUMENTATION);
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn request(code: u64) {
    let args: [u64; 6] = [code, 0, 0, 0, 0, 0];
    // SAFETY: the four rotations of rdi add up to 128 bits and leave it as it was, and
    // `xchg rbx, rbx` changes nothing, so natively this reads and writes nothing. Under
    // valgrind it makes the request in `args` and puts the answer (unused) in rdx.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") args.as_ptr(),
            inout("rdx") 0u64 => _,
            out("rdi") _,
        );
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn request(_code: u64) {}
