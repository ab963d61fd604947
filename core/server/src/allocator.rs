//! The process's allocator: mimalloc, keeping the memory it frees, on normal-sized pages.
//!
//! Sync parses and stores thousands of small objects per second; glibc's allocator cost about
//! 10 % of a 10,000-domain sync (measured by `make bench`). Two of mimalloc's defaults cost a
//! pass more than they save, both through the first touch of fresh memory:
//!
//! - it hands memory freed for a second back to the OS, so every inventory pass, which comes
//!   minutes after the last, touches its whole working set afresh and the kernel zeroes each
//!   page on first touch (about 3 % of the samples in a profile of repeated passes; benchmark
//!   runs of back-to-back passes gave 0–8 % less CPU without the purge). Freed memory is now
//!   kept for reuse, at the price of holding on to the largest pass's footprint;
//! - it asks for transparent huge pages, and with the kernel's usual `defrag=madvise` a fault
//!   in such memory may stop to compact memory for a 2 MiB page and then zeroes all of it. A
//!   pass in a fresh process took 367 ms (323–483) for 10,000 domains with them and 339 ms
//!   (326–363) without (medians of 12, interleaved); warm passes, whose memory is faulted in
//!   already, did not change beyond the noise. The process does without them.
//!
//! The benchmark includes this file, so it measures the allocator the server runs with.

/// The allocator of every Virtumancer process.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same in its v2 and v3).
const PURGE_DELAY: std::ffi::c_int = 15;

#[allow(unsafe_code)]
mod ffi {
    use std::ffi::{c_int, c_long};

    unsafe extern "C" {
        /// mimalloc's option setter, linked in by `libmimalloc-sys`.
        pub(super) fn mi_option_set(option: c_int, value: c_long);
        /// mimalloc's option getter.
        #[cfg_attr(not(test), allow(dead_code))]
        pub(super) fn mi_option_get(option: c_int) -> c_long;
    }
}

/// Configures the allocator as described above. Call it first thing in `main`; it takes
/// effect for every later page fault and purge, whenever it is called.
#[allow(unsafe_code)]
pub fn configure() {
    // SAFETY: `mi_option_set` takes plain integers, is safe to call from any thread at any
    // time, and -1 is the documented value for "no purging at all".
    unsafe { ffi::mi_option_set(PURGE_DELAY, -1) }
    // SAFETY: `prctl` with PR_SET_THP_DISABLE takes plain integers and changes only whether
    // this process's later page faults may use huge pages (also over memory madvised for them).
    // A kernel without it refuses with EINVAL, which leaves things as they were.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn purging_and_huge_pages_are_off() {
        // SAFETY: a getter of plain integers.
        let purge_delay = || unsafe { ffi::mi_option_get(PURGE_DELAY) };
        // 1000 ms is the purge delay's default, and no other option of mimalloc has it: a
        // mimalloc whose options were renumbered fails here rather than having another option
        // silently set to -1.
        assert_eq!(
            purge_delay(),
            1000,
            "option {PURGE_DELAY} is not mimalloc's purge delay"
        );
        configure();
        assert_eq!(purge_delay(), -1);
        // SAFETY: a query of plain integers.
        let thp_disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(thp_disabled, 1);
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        assert!(status.contains("THP_enabled:\t0"), "{status}");
    }
}
