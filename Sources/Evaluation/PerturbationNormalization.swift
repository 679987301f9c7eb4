import Imaging

/// The model's input normalisation and the dataset's mean colour: what the fills mean in the normalised space
/// the model reads (methods.md §7.3).
///
/// A pixel of value `v` in `[0, 1]` space is ``ChannelNormalization/normalized(_:)-(SIMD3<Float>)`` of it,
/// `(v - mean) / std` per channel in float32, as torchvision's `Normalize` computes it. So Chefer's black (0 in
/// `[0, 1]`, set before normalising) is `(0 - mean) / std`: -1 under mean = std = 0.5, `(-2.1179, -2.0357,
/// -1.8044)` under ImageNet mean/std. AG-CAM's gray is 0 in normalised space (multiplying the normalised image by
/// a 0/1 mask). The dataset-mean fill is `(datasetMean - mean) / std`, which is 0 exactly when the model
/// normalises with the dataset's mean.
public struct PerturbationNormalization: Sendable, Hashable {
    /// The model's `Normalize`.
    public var input: ChannelNormalization
    /// The dataset's mean colour in `[0, 1]` (the ``PerturbationSettings/Fill/datasetMean`` fill).
    public var datasetMean: SIMD3<Float>

    public init(_ input: ChannelNormalization, datasetMean: SIMD3<Float> = ChannelNormalization.imageNet.mean) {
        self.input = input
        self.datasetMean = datasetMean
    }

    /// The constant normalised colour of a fill, or nil for ``PerturbationSettings/Fill/blur`` (which depends on
    /// the image).
    public func fillColour(_ fill: PerturbationSettings.Fill) -> SIMD3<Float>? {
        switch fill {
        case .black: input.normalized(SIMD3(repeating: 0))
        case .normalizedZero: SIMD3(repeating: 0)
        case .datasetMean: input.normalized(datasetMean)
        case .blur: nil
        }
    }

    /// Throws when a standard deviation is zero or any value is not finite.
    func validate() throws(PerturbationError) {
        guard input.isUsable, (0..<3).allSatisfy({ datasetMean[$0].isFinite }) else {
            throw .invalidNormalization("mean \(input.mean), std \(input.std), dataset mean \(datasetMean)")
        }
    }
}
