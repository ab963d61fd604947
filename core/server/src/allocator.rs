//! The process's allocator: mimalloc, keeping the memory it frees.
//!
//! Sync parses and stores thousands of small objects per second; glibc's allocator cost about
//! 10 % of a 10,000-domain sync (measured by `make bench`). mimalloc by default hands memory
//! freed for a second back to the OS, so every inventory pass, which comes minutes after the
//! last, touched its whole working set afresh and the kernel zeroed each page on first touch:
//! 5–8 % of a warm pass's CPU. Keeping freed memory for reuse removes that at the price of
//! holding on to the largest pass's footprint. The benchmark includes this file, so it
//! measures the allocator the server runs with.

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

/// Tells mimalloc never to return freed memory to the OS but to keep it for reuse. Call it
/// first thing in `main`; it may be called at any time, options are read where they are used.
#[allow(unsafe_code)]
pub fn keep_freed_memory() {
    // SAFETY: `mi_option_set` takes plain integers, is safe to call from any thread at any
    // time, and -1 is the documented value for "no purging at all".
    unsafe { ffi::mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_option_set_is_the_purge_delay() {
        // SAFETY: a getter of plain integers.
        let get = || unsafe { ffi::mi_option_get(PURGE_DELAY) };
        // 1000 ms is the purge delay's default, and no other option of mimalloc has it: a
        // mimalloc whose options were renumbered fails here rather than having another option
        // silently set to -1.
        assert_eq!(
            get(),
            1000,
            "option {PURGE_DELAY} is not mimalloc's purge delay"
        );
        keep_freed_memory();
        assert_eq!(get(), -1);
    }
}
