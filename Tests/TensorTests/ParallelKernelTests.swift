import Testing

@testable import Tensor

/// The split paths (`Tensor.Kernels.forEachChunk`, `BLAS.gemmSplittingColumns`) against the same kernels run
/// once over the whole buffer on one thread: the split must not change a single bit.
@Suite(.serialized)
struct ParallelKernelTests {
    /// Runs `body` with OpenBLAS (and so the split kernels) on `threads` threads, then restores the setting.
    static func withThreads<Result>(_ threads: Int, _ body: () -> Result) -> Result {
        let saved = BLAS.threadCount
        BLAS.threadCount = threads
        defer { BLAS.threadCount = saved }
        return body()
    }

    /// A `[rows, width]` tensor of seeded values in `-4...4`, with more values than the split threshold.
    static func input(rows: Int, width: Int, seed: UInt64) -> Tensor {
        Tensor(shape: [rows, width], storage: KernelTests.values(rows * width, in: -4...4, seed: seed))
    }

    @Test(arguments: [197, 301])
    func rowKernelsSplitBitIdentically(width: Int) {
        let scores = Self.input(rows: 401, width: width, seed: 11)
        let gradient = Self.input(rows: 401, width: width, seed: 12)
        let weight = Tensor(shape: [width], storage: KernelTests.values(width, in: 0.5...1.5, seed: 13))
        let bias = Tensor(shape: [width], storage: KernelTests.values(width, in: -1...1, seed: 14))
        func all() -> [[Float]] {
            let probabilities = scores.softmax()
            return [
                probabilities.storage, probabilities.softmaxBackward(gradient: gradient).storage,
                scores.gelu().storage, scores.geluBackward(gradient: gradient).storage,
                scores.layerNorm(weight: weight, bias: bias, epsilon: 1e-6).storage,
                scores.layerNormBackward(weight: weight, epsilon: 1e-6, gradient: gradient).storage,
            ]
        }
        let single = Self.withThreads(1, all)
        let split = Self.withThreads(2, all)
        #expect(single == split)
    }

    @Test(arguments: [false, true])
    func columnSplitGEMMMatchesOneCall(transposeB: Bool) {
        let (m, n, k) = (197, 333, 96)
        let a = KernelTests.values(m * k, in: -1...1, seed: 21)
        let b = KernelTests.values(n * k, in: -1...1, seed: 22)
        func product(split: Bool) -> [Float] {
            var c = [Float](repeating: 0.5, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                        let ldb = transposeB ? k : n
                        if split {
                            BLAS.gemmSplittingColumns(
                                transposeB: transposeB, m: m, n: n, k: k, alpha: 0.7, a: a, lda: k, b: b, ldb: ldb,
                                beta: 1, c: c, ldc: n)
                        } else {
                            BLAS.gemm(
                                transposeB: transposeB, m: m, n: n, k: k, alpha: 0.7, a: a, lda: k, b: b, ldb: ldb,
                                beta: 1, c: c, ldc: n)
                        }
                    }
                }
            }
            return c
        }
        let whole = Self.withThreads(1) { product(split: false) }
        let split = Self.withThreads(2) { product(split: true) }
        // OpenBLAS accumulates each value over `k` in the same order for any column block; allow one rounding
        // step of slack in case a kernel's tail path orders its partial sums differently.
        let largest = whole.map(abs).max() ?? 1
        let difference = zip(whole, split).map { abs($0 - $1) }.max() ?? 0
        #expect(difference <= 1e-6 * Swift.max(1, largest))
    }
}
