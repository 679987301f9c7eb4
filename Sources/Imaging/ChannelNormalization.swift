/// The per-channel mean and standard deviation of torchvision's `Normalize(mean, std)`: how `[0, 1]` pixels
/// become a model input, `(p - mean) / std` per channel in float32.
///
/// The one mean/std type of the package: the model's preprocessing, `--mean`/`--std`, the perturbation fills
/// (Chefer's black is `(0 - mean) / std`), and the pixel-space values of methods (integrated gradients' black
/// baseline) all hold one, so each number is computed by one expression in one order.
public struct ChannelNormalization: Sendable, Hashable {
    /// Per-channel mean, R, G, B, in `[0, 1]` pixel units.
    public var mean: SIMD3<Float>
    /// Per-channel standard deviation, R, G, B.
    public var std: SIMD3<Float>

    public init(mean: SIMD3<Float>, std: SIMD3<Float>) {
        self.mean = mean
        self.std = std
    }

    /// timm's `IMAGENET_DEFAULT_MEAN` / `IMAGENET_DEFAULT_STD`.
    public static let imageNet = ChannelNormalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// timm's `IMAGENET_INCEPTION_MEAN` / `_STD` and transformers' `IMAGENET_STANDARD_*`: 0.5 each.
    public static let inception = ChannelNormalization(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])

    /// A `[0, 1]`-space colour in normalised space, `(colour - mean) / std` per channel in float32.
    public func normalized(_ colour: SIMD3<Float>) -> SIMD3<Float> {
        (colour - mean) / std
    }

    /// One `[0, 1]`-space value of channel `channel` (0, 1 or 2) in normalised space, `(value - mean) / std`.
    public func normalized(_ value: Float, channel: Int) -> Float {
        (value - mean[channel]) / std[channel]
    }

    /// Whether every mean and standard deviation is finite and no standard deviation is zero.
    public var isUsable: Bool {
        (0..<3).allSatisfy { mean[$0].isFinite && std[$0].isFinite && std[$0] != 0 }
    }
}
