/// How far a method's per-image metric values move when only the arithmetic's order changes: the thread count,
/// the engine's GEMM column split (`VIT_BENCH_GEMM_SPLITTING`) or the CPU's OpenBLAS kernel.
///
/// Most methods agree to 1e-6. A method whose map amplifies float32 rounding of the engine's passes declares
/// the spread measured on the demo (per-image values, absolute) and why; `bench methods` prints it, the
/// regression gate widens that method's tolerance to it, and the process-level reproducibility test holds the
/// method to it.
public enum Reproducibility: Sendable, Equatable {
    /// Per-image values agree within ``exactBound``.
    case exact
    /// Per-image values moved by up to `spread` in the measurement `measured`, for the reason `reason`.
    case spread(Double, measured: String, reason: String)

    /// 1e-6: what `exact` promises of a per-image value.
    public static let exactBound = 1e-6

    /// The largest difference a per-image value may show.
    public var bound: Double {
        switch self {
        case .exact: Self.exactBound
        case .spread(let spread, _, _): max(spread, Self.exactBound)
        }
    }

    /// One line for `bench methods`.
    public var description: String {
        switch self {
        case .exact:
            "per-image values agree to 1e-6 on any thread count, GEMM split and CPU kernel"
        case .spread(let spread, let measured, let reason):
            "per-image values move by up to \(spread) with the thread count or CPU kernel (\(measured)): \(reason)"
        }
    }
}
