import ScoreMaps
import Tensor

/// A min-max normalised map in `[0, 1]`, `height * width` values row-major, with what normalisation found.
///
/// Constant and non-finite maps arrive here already replaced by the documented rule of
/// ``ScoreMaps/MinMaxNormalization`` (a constant map or one with any NaN or infinity becomes all zeros); the
/// condition travels with the map so every accumulator counts them. Under every threshold policy an all-zero
/// map has no foreground (see ``ThresholdPolicy``), so it scores as "nothing found".
public struct ScoreMap: Sendable {
    public let width: Int
    public let height: Int
    /// `height * width` values in `[0, 1]`, row-major.
    public let values: [Float]
    public let condition: MapCondition

    /// Wraps values that are already normalised.
    public init(values: [Float], width: Int, height: Int, condition: MapCondition = .normal) {
        precondition(width > 0 && height > 0 && values.count == width * height, "ScoreMap: value count mismatch")
        self.values = values
        self.width = width
        self.height = height
        self.condition = condition
    }

    /// Wraps a `[height, width]` normalised map.
    public init(_ map: NormalizedMap) {
        precondition(map.values.rank == 2, "ScoreMap: expected a [height, width] map, got \(map.values.shape)")
        self.init(
            values: map.values.storage, width: map.values.shape[1], height: map.values.shape[0],
            condition: map.condition)
    }

    /// Normalises a raw `[height, width]` map with ``ScoreMaps/MinMaxNormalization``.
    public init(raw: Tensor) {
        self.init(MinMaxNormalization.normalize(raw))
    }

    /// The map as wsolevaluation and OpenCV pipelines see it: `uint8(s * 255)` (float32 product, truncated).
    public func quantized() -> QuantizedMap { QuantizedMap(self) }
}
