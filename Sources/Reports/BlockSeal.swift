import SeededRandom

/// The row that seals an image's block in `per_image.csv`: how many rows the block has and a checksum of
/// their bytes, so a row deleted or altered in the middle of the file is detected on reading.
///
/// It is written just before the block's status row, as an ordinary six-field row of the image
/// (``ResultRow/imageMethod``), metric `seal:fnv1a64:<16 lowercase hex digits>`, value the row count:
///
///     3,img_3,cat,agc,iou,0.41
///     3,img_3,cat,agc,dice,0.58
///     3,img_3,cat,_image,seal:fnv1a64:5c1e2b0c9d7f3a10,2
///     3,img_3,cat,_image,status,1
///
/// The count is that of the rows before the seal; the checksum is FNV-1a 64 over their exact bytes, each line
/// with its `\n`, followed by the status row's line with its `\n` (so an altered status is caught too). Being a
/// well-formed row, it is ignored by readers that predate it (tables skip `_image` rows other than the status).
package struct BlockSeal: Equatable, Sendable {
    /// The rows of the block before the seal.
    package var rowCount: Int
    /// FNV-1a 64 of the block's lines (see the type's documentation).
    package var checksum: UInt64

    /// The metric prefix that marks a seal row.
    package static let metricPrefix = "seal:fnv1a64:"

    package init(rowCount: Int, checksum: UInt64) {
        self.rowCount = rowCount
        self.checksum = checksum
    }

    /// Reads a seal row; nil for any other row.
    package init?(row: ResultRow) {
        guard row.method == ResultRow.imageMethod, row.metric.hasPrefix(Self.metricPrefix) else { return nil }
        let hex = row.metric.dropFirst(Self.metricPrefix.count)
        guard hex.count == 16, let checksum = UInt64(hex, radix: 16), row.value >= 0, row.value < 1e15,
            row.value == row.value.rounded()
        else { return nil }
        self.init(rowCount: Int(row.value), checksum: checksum)
    }

    /// The seal of the block of `rows` closed by `status`.
    package init(rows: [ResultRow], status: ResultRow) {
        var hash = Checksum()
        for row in rows { hash.addLine(row.csvLine.utf8) }
        hash.addLine(status.csvLine.utf8)
        self.init(rowCount: rows.count, checksum: hash.value)
    }

    /// The seal as a row of the image of `status`.
    package func row(closing status: ResultRow) -> ResultRow {
        ResultRow(
            index: status.index, imageID: status.imageID, label: status.label, method: ResultRow.imageMethod,
            metric: Self.metricPrefix + Self.hex(checksum), value: Double(rowCount))
    }

    /// `value` as 16 lowercase hex digits.
    package static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// FNV-1a 64 fed line by line: deterministic across processes and platforms (unlike `hashValue`).
    package struct Checksum: Sendable {
        private var hasher = FNV1a64()

        package init() {}

        /// The checksum of the lines added so far.
        package var value: UInt64 { hasher.value }

        /// Adds `bytes` and a `\n`.
        package mutating func addLine(_ bytes: some Sequence<UInt8>) {
            hasher.add(bytes)
            hasher.add(CollectionOfOne(UInt8(ascii: "\n")))
        }
    }
}
