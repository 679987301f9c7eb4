/// One image's class scores: its logits, their softmax, and the classes ranked best first.
///
/// The one softmax and top-k of the package for classifier outputs: the `coporan2025` filter (`top-1 probability
/// > 0.85`), the `top1-probability` rows of a run, `bench predict`, `bench explain`'s `prediction.json` and the
/// perturbation curves' probability score all read it, so they agree to the last bit.
///
/// - Probabilities are float32, as the references compute them (Coporan's filter is `softmax(logits).max() >
///   0.85` on a float32 PyTorch tensor; AG-CAM's and Chefer's perturbation scores are float32 softmax outputs):
///   ``Tensor/Kernels/softmaxRows(rows:width:input:output:)``, the kernel the model's attention uses, which
///   subtracts the row maximum, sums the exponentials in 8 lanes and multiplies by the reciprocal of the sum,
///   as PyTorch's vectorised CPU softmax does.
/// - The ranking orders classes by logit, largest first, ties to the lower index: the order of the
///   probabilities (softmax is monotone) without the ties float32 rounding can create between close logits, and
///   its first class is `torch.argmax`'s (the first maximum).
public struct ClassRanking: Sendable, Equatable {
    /// The logits `[K]`.
    public let logits: [Float]
    /// `softmax(logits)` in float32, `[K]`.
    public let probabilities: [Float]

    /// Ranks `logits` (`[K]`, finite: a caller checks, since a NaN has no rank).
    public init(logits: [Float]) {
        self.logits = logits
        var probabilities = [Float](repeating: 0, count: logits.count)
        logits.withUnsafeBufferPointer { input in
            probabilities.withUnsafeMutableBufferPointer { output in
                guard let source = input.baseAddress, let target = output.baseAddress else { return }
                Tensor.Kernels.softmaxRows(rows: 1, width: logits.count, input: source, output: target)
            }
        }
        self.probabilities = probabilities
    }

    /// The top-1 class: the first index of the largest logit (`torch.argmax`); 0 when there are no classes.
    public var predicted: Int { Self.argmax(logits[...]) }

    /// The `count` best classes (fewer when the model has fewer), best first.
    public func top(_ count: Int) -> [Int] {
        Array(
            logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(count))
    }

    /// The first index (from 0) of the largest value of `values`; 0 when empty.
    public static func argmax(_ values: ArraySlice<Float>) -> Int {
        var best = values.startIndex
        for index in values.indices where values[index] > values[best] { best = index }
        return best - values.startIndex
    }
}
