//! Stage timings for `analyze -v` and the scaling benchmark: wall time of a
//! stage and the process's peak resident memory when it ended (Linux
//! `VmHWM`), so the stage that raises the peak can be found.

use std::time::{Duration, Instant};

/// One timed stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTime {
    /// Name of the stage as printed (sub-stages indented by two spaces).
    pub name: &'static str,
    /// Wall time of the stage.
    pub time: Duration,
    /// Peak resident set size of the process so far, in bytes (`None` where
    /// `/proc/self/status` is not available).
    pub peak_rss: Option<u64>,
}

impl StageTime {
    /// The stage `name` that started at `start` and ends now.
    pub fn since(name: &'static str, start: Instant) -> StageTime {
        StageTime {
            name,
            time: start.elapsed(),
            peak_rss: peak_rss(),
        }
    }
}

/// Hand memory freed by the program back to the operating system. glibc
/// keeps freed small blocks (an R-tree's millions of nodes) for reuse,
/// where they still count as resident while the next stage maps fresh
/// memory for its large arrays; called after freeing such structures, it
/// keeps the peak resident memory close to what is live. Does nothing
/// where the C library is not glibc.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)] // the crate's only unsafe block: an FFI call to glibc
    // SAFETY: malloc_trim only returns unused pages of the allocator's
    // heaps to the kernel; it does not touch live allocations.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Peak resident set size of this process in bytes, from `/proc/self/status`.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_hwm(&status)
}

fn parse_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_peak_line() {
        let status = "Name:\tfitcircle\nVmPeak:\t  999 kB\nVmHWM:\t   2048 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(parse_hwm(status), Some(2048 * 1024));
        assert_eq!(parse_hwm("Name: x\n"), None);
        #[cfg(target_os = "linux")]
        assert!(peak_rss().is_some_and(|b| b > 0));
        // Freeing a large list of small blocks, then handing them back.
        let blocks: Vec<Vec<u8>> = (0..10_000).map(|i| vec![1; 100 + i % 50]).collect();
        drop(blocks);
        release_freed_memory();
        assert!(peak_rss().is_some_and(|b| b > 0) || cfg!(not(target_os = "linux")));
    }
}
