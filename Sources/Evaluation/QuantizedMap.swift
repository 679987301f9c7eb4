/// A map quantised to 8 bits as `np.uint8(s * 255)` (float32 product, truncation), `height * width` levels,
/// with its 256-bin histogram.
///
/// This is the form wsolevaluation's box extraction (evaluation.md §1.3) and every OpenCV Otsu call see.
public struct QuantizedMap: Sendable {
    public let width: Int
    public let height: Int
    /// `height * width` levels in `0...255`, row-major.
    public let levels: [UInt8]
    /// `histogram[v]` = number of pixels at level `v`; 256 entries.
    public let histogram: [Int]
    /// The largest level.
    public let maximum: Int

    /// Quantises `map`; values outside `[0, 1]` are clamped first (a normalised map has none).
    public init(_ map: ScoreMap) {
        var levels = [UInt8](repeating: 0, count: map.values.count)
        var histogram = [Int](repeating: 0, count: 256)
        var maximum: UInt8 = 0
        map.values.withUnsafeBufferPointer { source in
            levels.withUnsafeMutableBufferPointer { target in
                histogram.withUnsafeMutableBufferPointer { counts in
                    for index in source.indices {
                        // Float-to-integer conversion truncates, as numpy's cast does.
                        let level = UInt8(min(max(source[index], 0), 1) * 255)
                        target[index] = level
                        counts[Int(level)] += 1
                        maximum = max(maximum, level)
                    }
                }
            }
        }
        self.width = map.width
        self.height = map.height
        self.levels = levels
        self.histogram = histogram
        self.maximum = Int(maximum)
    }

    /// The binary mask `level > threshold` (OpenCV `THRESH_BINARY`).
    public func mask(above threshold: Int) -> BinaryMask {
        var bits = [UInt8](repeating: 0, count: levels.count)
        let limit = UInt8(clamping: threshold)
        let all = threshold < 0
        levels.withUnsafeBufferPointer { source in
            bits.withUnsafeMutableBufferPointer { target in
                for index in source.indices where all || source[index] > limit { target[index] = 1 }
            }
        }
        return BinaryMask(width: width, height: height, bits: bits)
    }
}
