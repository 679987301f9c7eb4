import Tensor

/// A map min-max normalised to `[0, 1]`, with what the normalisation found.
public struct NormalizedMap: Sendable {
    /// The normalised values, the shape of the input map.
    public var values: Tensor
    /// Whether the map was usable as it was.
    public var condition: MapCondition
}

/// What min-max normalisation found in a map. The evaluator counts the last two and applies its documented
/// rule; nothing crashes on them.
public enum MapCondition: String, Sendable, Equatable, Codable {
    /// Finite values with `max > min`.
    case normal
    /// Every value equal (`max == min`): PyTorch's `(m - min) / (max - min)` gives `0 / 0 = NaN` everywhere
    /// (Chefer's Grad-CAM does this when every weighted value clamps to 0, methods.md §8). We return zeros.
    case constant
    /// At least one NaN or infinity. The whole map becomes zeros, as every reference treats it: wsolevaluation's
    /// `normalize_scoremap` returns zeros when any value is NaN, Chefer's `(R - R.min()) / (R.max() - R.min())`
    /// is NaN everywhere once `min` or `max` is (torch propagates NaN), and AG-CAM then finds no contour.
    case nonFinite = "non-finite"
}

/// Per-image min-max normalisation `(m - min) / (max - min)`, in float32 as the reference scripts compute it.
public enum MinMaxNormalization {
    /// Normalises `map` (any shape) and reports its ``MapCondition``.
    public static func normalize(_ map: Tensor) -> NormalizedMap {
        var values = map.storage
        var minimum = Float.infinity
        var maximum = -Float.infinity
        for value in values {
            guard value.isFinite else {
                return NormalizedMap(values: Tensor(zeros: map.shape), condition: .nonFinite)
            }
            minimum = min(minimum, value)
            maximum = max(maximum, value)
        }
        let range = maximum - minimum
        guard range > 0 else { return NormalizedMap(values: Tensor(zeros: map.shape), condition: .constant) }
        values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = (buffer[index] - minimum) / range }
        }
        return NormalizedMap(values: Tensor(shape: map.shape, storage: values), condition: .normal)
    }
}
