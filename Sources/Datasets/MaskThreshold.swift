import Foundation
import Imaging

/// The rule that turns an 8-bit mask level (0...255) into binary foreground.
///
/// Defaults differ by source, and each adapter states its own:
/// - CUB-200-2011 soft segmentations: ``half`` (`>= 128`). The masks are annotator agreement maps; chainercv
///   divides them by 255 and reads them as probabilities, so foreground is `level / 255 >= 0.5`, which for
///   integers is `level >= 128` (127/255 = 0.498, 128/255 = 0.502; evaluation.md §6.3).
/// - wsolevaluation OpenImages masks: ``nonZero``. `evaluation.py` compares the *unscaled* level with 0.5
///   (`np.float32(cv2.imread(path, cv2.IMREAD_GRAYSCALE)) > 0.5`), so any non-zero level is foreground.
public enum MaskThreshold: Hashable, Sendable, CustomStringConvertible {
    /// Foreground where `level >= value`.
    case atLeast(UInt8)
    /// Foreground where `level > value`.
    case above(UInt8)

    /// `level >= 128`: probability 0.5 on the `level / 255` scale (the CUB default).
    public static let half = MaskThreshold.atLeast(128)
    /// `level > 0`: any non-zero level.
    public static let nonZero = MaskThreshold.above(0)

    /// Whether `level` is foreground under this rule.
    @inline(__always)
    public func isForeground(_ level: UInt8) -> Bool {
        switch self {
        case .atLeast(let value): level >= value
        case .above(let value): level > value
        }
    }

    /// Parses a command-line spelling: `>=128`, `>0`, a bare level `128` (meaning `>=128`), `half` or
    /// `nonzero`.
    /// - Returns: `nil` for anything else, or a level outside 0...255.
    public init?(parsing text: String) {
        let spelling = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch spelling {
        case "half": self = .half
        case "nonzero", "non-zero": self = .nonZero
        default:
            if spelling.hasPrefix(">="), let level = UInt8(spelling.dropFirst(2)) {
                self = .atLeast(level)
            } else if spelling.hasPrefix(">"), let level = UInt8(spelling.dropFirst(1)) {
                self = .above(level)
            } else if let level = UInt8(spelling) {
                self = .atLeast(level)
            } else {
                return nil
            }
        }
    }

    /// The rule as `>=128` or `>0`.
    public var description: String {
        switch self {
        case .atLeast(let value): ">=\(value)"
        case .above(let value): ">\(value)"
        }
    }

    /// Binarises levels: 1 where foreground, 0 elsewhere; shape `[height, width]` kept.
    public func binarize(_ levels: GrayImage) -> GrayImage {
        GrayImage(width: levels.width, height: levels.height, values: levels.values.map { isForeground($0) ? 1 : 0 })
    }
}
