/// The model's input normalisation and the dataset's mean colour: what the fills mean in the normalised space
/// the model reads (methods.md §7.3).
///
/// Per channel `c`, a pixel of value `v` in `[0, 1]` space is `(v - mean[c]) / std[c]` in float32, as
/// torchvision's `Normalize` computes it. So Chefer's black (0 in `[0, 1]`, set before normalising) is
/// `(0 - mean) / std`: -1 under mean = std = 0.5, `(-2.1179, -2.0357, -1.8044)` under ImageNet mean/std.
/// AG-CAM's gray is 0 in normalised space (multiplying the normalised image by a 0/1 mask). The dataset-mean
/// fill is `(datasetMean - mean) / std`, which is 0 exactly when the model normalises with the dataset's mean.
public struct PerturbationNormalization: Sendable, Hashable {
    public var mean: SIMD3<Float>
    public var std: SIMD3<Float>
    /// The dataset's mean colour in `[0, 1]` (the ``PerturbationSettings/Fill/datasetMean`` fill).
    public var datasetMean: SIMD3<Float>

    /// ImageNet's mean colour in `[0, 1]` (timm's `IMAGENET_DEFAULT_MEAN`), the default dataset mean.
    public static let imageNetMean = SIMD3<Float>(0.485, 0.456, 0.406)

    public init(mean: SIMD3<Float>, std: SIMD3<Float>, datasetMean: SIMD3<Float> = Self.imageNetMean) {
        self.mean = mean
        self.std = std
        self.datasetMean = datasetMean
    }

    /// A `[0, 1]`-space colour in normalised space, `(colour - mean) / std` per channel in float32.
    public func normalized(_ colour: SIMD3<Float>) -> SIMD3<Float> {
        var result = SIMD3<Float>()
        for channel in 0..<3 { result[channel] = (colour[channel] - mean[channel]) / std[channel] }
        return result
    }

    /// The constant normalised colour of a fill, or nil for ``PerturbationSettings/Fill/blur`` (which depends on
    /// the image).
    public func fillColour(_ fill: PerturbationSettings.Fill) -> SIMD3<Float>? {
        switch fill {
        case .black: normalized(SIMD3(repeating: 0))
        case .normalizedZero: SIMD3(repeating: 0)
        case .datasetMean: normalized(datasetMean)
        case .blur: nil
        }
    }

    /// Throws when a standard deviation is zero or any value is not finite.
    func validate() throws(PerturbationError) {
        for channel in 0..<3 {
            let values = [mean[channel], std[channel], datasetMean[channel]]
            guard values.allSatisfy(\.isFinite), std[channel] != 0 else {
                throw .invalidNormalization("mean \(mean), std \(std), dataset mean \(datasetMean)")
            }
        }
    }
}
