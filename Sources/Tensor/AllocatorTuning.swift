import CAllocator

/// Settings of the C allocator for a process that runs many forward passes.
///
/// A ViT-B/16 trace is about 168 MB at batch 1. By default glibc serves blocks that large with `mmap` and returns
/// them to the system on `free`, so the next pass page-faults its way through fresh memory again: about 100 ms per
/// forward on the 2-core machine. Raising the mmap threshold to glibc's maximum (32 MiB; every activation of a
/// ViT-B/16 pass is smaller) and the trim threshold to 1 GiB keeps freed blocks in the heap for reuse; peak memory
/// stays that of one pass (the same blocks are reused), only the churn goes away.
public enum AllocatorTuning {
    /// Keeps freed blocks in the heap for reuse (glibc; elsewhere it does nothing). Call once at start-up, before
    /// the first pass.
    /// - Returns: whether the allocator accepted the setting.
    @discardableResult
    public static func keepLargeBlocks() -> Bool {
        callocator_keep_large_blocks(1 << 30) != 0
    }
}
