import COpenBLAS

/// Matrix products on OpenBLAS (`cblas_sgemm`, `cblas_dgemm`), and its thread settings.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` for row-major matrices: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`,
    /// `C` is `[m, n]`; `lda`, `ldb`, `ldc` are the row strides of the matrices as stored.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` in float64 (`cblas_dgemm`), for the
    /// LRP relevance pass, whose z-rule divisions would amplify float32 rounding.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double = 0,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS's build configuration and the core kernel it selected (for run manifests).
    public static var configuration: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return "\(config); core \(core)"
    }
}

extension Tensor {
    /// The matrix product of `[m, k]` and `[k, n]` tensors (or `[n, k]` with `transposeRight`, as `x · Wᵀ`).
    public static func matmul(_ left: Tensor, _ right: Tensor, transposeRight: Bool = false) -> Tensor {
        precondition(left.rank == 2 && right.rank == 2, "matmul: rank-2 tensors expected")
        let m = left.shape[0]
        let k = left.shape[1]
        let n = transposeRight ? right.shape[0] : right.shape[1]
        precondition((transposeRight ? right.shape[1] : right.shape[0]) == k, "matmul: \(left.shape) x \(right.shape)")
        var output = Tensor(zeros: [m, n])
        guard m > 0, n > 0, k > 0 else { return output }
        left.storage.withUnsafeBufferPointer { a in
            right.storage.withUnsafeBufferPointer { b in
                output.storage.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    BLAS.gemm(
                        transposeB: transposeRight, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: transposeRight ? k : n,
                        c: c, ldc: n)
                }
            }
        }
        return output
    }
}
