/// The per-channel `Normalize(mean, std)` that turned `[0, 1]` pixels into a model input: `(p - mean) / std`.
///
/// Methods see only the normalised input; this lets the few that need a pixel-space value (integrated gradients'
/// black baseline, pixel `0`) compute it in the model's space.
public struct PixelNormalization: Sendable, Equatable {
    /// Per-channel mean, `[C]`.
    public var mean: [Float]
    /// Per-channel standard deviation, `[C]`.
    public var std: [Float]

    /// The normalisation with these per-channel values; `mean` and `std` must have one entry per channel.
    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "PixelNormalization: mean and std need one value per channel")
        self.mean = mean
        self.std = std
    }

    /// The normalised value of pixel value `pixel` (in `[0, 1]`) in `channel`, `(pixel - mean) / std` in float32
    /// as torchvision's `Normalize` computes it.
    public func normalized(_ pixel: Float, channel: Int) -> Float {
        (pixel - mean[channel]) / std[channel]
    }
}
