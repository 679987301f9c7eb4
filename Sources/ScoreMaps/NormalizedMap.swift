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
    /// At least one NaN or infinity. Non-finite values become 0 and the rest is normalised as usual.
    case nonFinite = "non-finite"
}

/// Per-image min-max normalisation `(m - min) / (max - min)`, in float32 as the reference scripts compute it.
public enum MinMaxNormalization {
    /// Normalises `map` (any shape) and reports its ``MapCondition``.
    public static func normalize(_ map: Tensor) -> NormalizedMap {
        var values = map.storage
        var condition = MapCondition.normal
        var minimum = Float.infinity
        var maximum = -Float.infinity
        for index in values.indices {
            let value = values[index]
            if !value.isFinite {
                condition = .nonFinite
                values[index] = 0
                continue
            }
            minimum = min(minimum, value)
            maximum = max(maximum, value)
        }
        if condition == .nonFinite && minimum > maximum {
            return NormalizedMap(values: Tensor(zeros: map.shape), condition: .nonFinite)
        }
        if condition == .nonFinite {
            // The zeros put in place of non-finite values must not fall outside the range of the rest.
            minimum = min(minimum, 0)
            maximum = max(maximum, 0)
        }
        let range = maximum - minimum
        guard range > 0 else {
            return NormalizedMap(
                values: Tensor(zeros: map.shape), condition: condition == .normal ? .constant : condition)
        }
        values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = (buffer[index] - minimum) / range }
        }
        return NormalizedMap(values: Tensor(shape: map.shape, storage: values), condition: condition)
    }
}
