#if canImport(Glibc)
    import Glibc
#endif

extension BLAS {
    /// `BLAS.gemm` with the `n` columns of `C` split into contiguous blocks, one per thread (up to
    /// `BLAS.threadCount`), each block a single-threaded OpenBLAS call; for the engine's large products.
    ///
    /// Why not OpenBLAS's own threading: after each threaded call its helper threads spin for a while before they
    /// sleep, and on a 2-core machine that spinning takes the core the engine's own split kernels (softmax, GELU,
    /// layer norm, the per-head attention loop) want next. Splitting the GEMMs here as well keeps every thread of
    /// the pass on libdispatch, whose idle workers block instead. Each column block sees the whole `A` and its
    /// own columns of `B`, and OpenBLAS accumulates every output value over `k` in the same order whatever the
    /// split, so the values match the unsplit call.
    ///
    /// `VIT_BENCH_GEMM_SPLITTING=0` in the environment turns the split off (each call is one OpenBLAS call on
    /// OpenBLAS's own threads): the test that a run's numbers do not depend on it sets it.
    public static func gemmSplittingColumns(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        forEachColumnBlock(m: m, n: n, k: k) { start, end in
            // `B` is `[k, n]` as stored, or `[n, k]` when transposed: its columns of `op(B)` start at `start` or at
            // row `start`.
            gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha, a: a,
                lda: lda, b: b + (transposeB ? start * ldb : start), ldb: ldb, beta: beta, c: c + start, ldc: ldc)
        }
    }

    /// The float64 ``gemmSplittingColumns(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``, for the
    /// LRP relevance pass (the same blocks, each a single-threaded `cblas_dgemm`).
    public static func gemmSplittingColumns(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double = 0,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        forEachColumnBlock(m: m, n: n, k: k) { start, end in
            gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha, a: a,
                lda: lda, b: b + (transposeB ? start * ldb : start), ldb: ldb, beta: beta, c: c + start, ldc: ldc)
        }
    }

    /// Calls `body(start, end)` for the column blocks `start..<end` of an `[m, n]` product with inner size `k`:
    /// whole 64-column panels, one block per thread (up to ``threadCount``), each on single-threaded OpenBLAS;
    /// one block `0..<n` on the caller's thread when splitting is off or the product is under ~1 MFLOP (not worth
    /// a hand-off).
    private static func forEachColumnBlock(m: Int, n: Int, k: Int, _ body: (Int, Int) -> Void) {
        let panel = 64
        let panels = (n + panel - 1) / panel
        let workers = splitsColumns && m * n * k >= 1 << 20 ? min(threadCount, panels) : 1
        guard workers > 1 else {
            body(0, n)
            return
        }
        Tensor.Kernels.forEachIndexWithSingleThreadedBLAS(count: workers) { worker in
            let start = min(n, panels * worker / workers * panel)
            let end = min(n, panels * (worker + 1) / workers * panel)
            if start < end { body(start, end) }
        }
    }

    /// Whether ``gemmSplittingColumns(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` splits (read
    /// once from `VIT_BENCH_GEMM_SPLITTING`; anything but `0` or unset splits).
    public static let splitsColumns: Bool = {
        guard let value = getenv("VIT_BENCH_GEMM_SPLITTING") else { return true }
        return String(cString: value) != "0"
    }()
}
