import Dispatch

extension Tensor.Kernels {
    /// The number of values a kernel must touch before it splits its work over threads: below it the hand-off
    /// (a few microseconds through libdispatch) costs more than it saves.
    package static let parallelThreshold = 65_536

    /// Runs `body` over contiguous chunks of `0..<count` (each chunk's bounds a multiple of `alignment`, except
    /// the end), on up to `BLAS.threadCount` threads when `work >= parallelThreshold`, else once on the calling
    /// thread with the whole range.
    ///
    /// Every index lands in exactly one chunk and the kernels do the same per-index arithmetic wherever a chunk
    /// starts, so the results are bit-identical to a single-threaded run. The thread count follows OpenBLAS's
    /// setting so that `BLAS.threadCount = 1` makes the whole engine single-threaded (and two threads, the
    /// 2-core machine's default, split the non-GEMM work as OpenBLAS splits the GEMMs).
    package static func forEachChunk(
        count: Int, work: Int, alignment: Int = 1, _ body: (Range<Int>) -> Void
    ) {
        let workers = work >= parallelThreshold ? min(BLAS.threadCount, (count + alignment - 1) / alignment) : 1
        guard workers > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        let units = (count + alignment - 1) / alignment
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = min(count, units * worker / workers * alignment)
                let end = min(count, units * (worker + 1) / workers * alignment)
                if start < end { shared.value(start..<end) }
            }
        }
    }

    /// Runs `body(index)` for every index of `0..<count`, with the indices split into contiguous ranges over up to
    /// `BLAS.threadCount` threads, and OpenBLAS set to one thread meanwhile (restored after): for loops of small
    /// GEMMs, such as one per attention head, that OpenBLAS's own threading runs poorly (a 197x197x64 product
    /// costs about as much to split as to compute). Each GEMM then runs whole on one thread, so its result does
    /// not depend on the split.
    ///
    /// OpenBLAS's thread count is a process-wide setting: callers running models on several threads at once should
    /// set `BLAS.threadCount = 1` themselves, which also keeps this loop on the calling thread.
    package static func forEachIndexWithSingleThreadedBLAS(count: Int, _ body: (Int) -> Void) {
        let savedThreads = BLAS.threadCount
        let workers = min(savedThreads, count)
        guard workers > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        BLAS.threadCount = 1
        defer { BLAS.threadCount = savedThreads }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in (count * worker / workers)..<(count * (worker + 1) / workers) { shared.value(index) }
            }
        }
    }
}

/// A value handed to the workers of `DispatchQueue.concurrentPerform`, whose closure must be `@Sendable`: the
/// kernels' bodies capture raw pointers, and each worker writes a disjoint range through them, which the compiler
/// cannot see.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
