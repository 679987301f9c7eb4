/// An image block of `per_image.csv` that is complete (it has a status row) but whose rows do not match its
/// seal (``BlockSeal``): a row was deleted, altered or garbled after the run wrote it.
///
/// ``RunDirectory`` drops such a block on opening (listed in ``RunDirectory/damagedBlocks``), so the resumed
/// run evaluates the image again; ``RunMerge`` and `bench gate`, which cannot, refuse the folder
/// (``ReportError/damaged(path:blocks:)``).
public struct DamagedBlock: Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the block.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        /// The block has `found` rows before its seal, which says `sealed`.
        case rowCount(sealed: Int, found: Int)
        /// The block's bytes hash to `found`, its seal says `sealed` (a value or field was altered).
        case checksum(sealed: UInt64, found: UInt64)
        /// A line of the block is not a well-formed row.
        case unreadableLine(line: Int)
        /// The block has no status row: the next image's rows (or a second seal) follow it.
        case missingStatus
        /// The block has no seal although an earlier block of the file has one (a seal row was deleted).
        case missingSeal

        public var description: String {
            switch self {
            case .rowCount(let sealed, let found): "\(found) rows where its seal says \(sealed)"
            case .checksum(let sealed, let found):
                "its rows' checksum is \(BlockSeal.hex(found)) where its seal says \(BlockSeal.hex(sealed))"
            case .unreadableLine(let line): "line \(line) is not a per_image.csv row"
            case .missingStatus: "it has no status row (another image's rows follow)"
            case .missingSeal: "it has no seal row although earlier blocks have one"
            }
        }
    }

    /// The dataset index of the block's image.
    public var index: Int
    /// The image id (empty when no line of the block could be read).
    public var imageID: String
    /// The block's 1-based line numbers in the file.
    public var lines: ClosedRange<Int>
    public var reason: Reason

    public init(index: Int, imageID: String, lines: ClosedRange<Int>, reason: Reason) {
        self.index = index
        self.imageID = imageID
        self.lines = lines
        self.reason = reason
    }

    public var description: String {
        "image \(imageID) (index \(index), lines \(lines.lowerBound)-\(lines.upperBound)): \(reason)"
    }
}
