//! glibc allocator settings for batched inference; programs call this once, first thing.

/// Sentence embeddings allocate tensors of megabytes per batch. With glibc's defaults each
/// one is mapped and unmapped with mmap, and the kernel zeroes its pages again at every
/// batch: a fifth of embedding time in our profile. Raising the mmap threshold to its 64-bit
/// ceiling (32 MiB) and the trim threshold keeps such blocks in the heap for the next batch;
/// peak memory is unchanged. The setting is process-wide, so it is the program's choice:
/// call it at the start of `main`, before other threads exist. Elsewhere than glibc it does
/// nothing.
pub fn keep_freed_memory_for_reuse() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; callers run it before other threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}
