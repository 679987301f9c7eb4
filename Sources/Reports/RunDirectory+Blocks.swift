import Foundation

extension RunDirectory {
    /// What ``readCompleteBlocks(_:)`` found in a `per_image.csv`.
    struct BlockReading {
        /// The rows of every intact complete block, status rows included, seal rows left out.
        var rows: [ResultRow] = []
        /// The blocks that are complete but do not match their seal, in file order.
        var damaged: [DamagedBlock] = []
        /// The byte ranges of the header and of every intact block, in file order.
        var keptRanges: [Range<Int>] = []
        /// The byte length up to the end of the last complete block (intact or damaged), header included; what
        /// follows is a torn last block. Nil when the file does not exist.
        var completeBytes: Int?
    }

    /// The block being read: rows since the last status row.
    private struct OpenBlock {
        var start: Int
        var firstLine: Int
        var index: Int?
        var imageID = ""
        var rows: [ResultRow] = []
        var checksum = BlockSeal.Checksum()
        var seal: BlockSeal?
        var problem: DamagedBlock.Reason?

        init(start: Int, firstLine: Int) {
            self.start = start
            self.firstLine = firstLine
        }

        mutating func claim(_ row: ResultRow) {
            guard index == nil else { return }
            index = row.index
            imageID = row.imageID
        }
    }

    /// Reads `per_image.csv` block by block and checks each complete block against its seal.
    ///
    /// A block ends at its status row. It is intact when every line is a row of one image and, if it has a seal,
    /// the seal's row count and checksum match; a block without a seal is intact only before the file's first
    /// sealed block (a folder written before seals existed). Anything else is damaged: listed, and its rows
    /// left out, while the blocks after it are still read. Rows after the last status row are a torn last
    /// block (a killed run) and are left out silently, as is a line without its line break.
    /// - Parameter requireSeals: every block must have a seal (a folder this version of the tool wrote), so a
    ///   block whose seal was deleted is damaged even at the start of the file.
    static func readCompleteBlocks(_ url: URL, requireSeals: Bool = false) throws(ReportError) -> BlockReading {
        var reading = BlockReading()
        guard FileManager.default.fileExists(atPath: url.path) else { return reading }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: url))
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        var offset = 0
        var lineNumber = 0
        var sealSeen = requireSeals
        var block = OpenBlock(start: 0, firstLine: 2)
        func close(_ block: OpenBlock, as reason: DamagedBlock.Reason, lastLine: Int) {
            reading.damaged.append(
                DamagedBlock(
                    index: block.index ?? -1, imageID: block.imageID,
                    lines: block.firstLine...max(block.firstLine, lastLine), reason: reason))
        }
        while offset < bytes.count {
            guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            lineNumber += 1
            let lineBytes = bytes[offset..<newline]
            let lineStart = offset
            offset = newline + 1
            let line = String(decoding: lineBytes, as: UTF8.self)
            if lineNumber == 1 {
                guard line == ResultRow.header else {
                    throw .malformed(path: url.path, line: 1, reason: "not a per_image.csv header")
                }
                reading.keptRanges.append(0..<offset)
                reading.completeBytes = offset
                block = OpenBlock(start: offset, firstLine: 2)
                continue
            }
            guard let row = ResultRow(csvLine: Substring(line)) else {
                // Mid-file damage if a status row follows; otherwise part of a torn last block.
                if block.problem == nil { block.problem = .unreadableLine(line: lineNumber) }
                continue
            }
            let isStatus = row.method == ResultRow.imageMethod && row.metric == ResultRow.statusMetric
            // A row of another image, or anything but the status row after a seal: the open block never closed.
            if let index = block.index, row.index != index || (block.seal != nil && !isStatus) {
                close(block, as: block.problem ?? .missingStatus, lastLine: lineNumber - 1)
                block = OpenBlock(start: lineStart, firstLine: lineNumber)
            }
            block.claim(row)
            if let seal = BlockSeal(row: row) {
                block.seal = seal
                continue
            }
            guard isStatus else {
                block.rows.append(row)
                block.checksum.addLine(lineBytes)
                continue
            }
            block.checksum.addLine(lineBytes)
            var damage = block.problem
            if damage == nil, let seal = block.seal {
                if seal.rowCount != block.rows.count {
                    damage = .rowCount(sealed: seal.rowCount, found: block.rows.count)
                } else if seal.checksum != block.checksum.value {
                    damage = .checksum(sealed: seal.checksum, found: block.checksum.value)
                }
            } else if damage == nil && sealSeen {
                damage = .missingSeal
            }
            if let damage {
                close(block, as: damage, lastLine: lineNumber)
            } else {
                reading.rows.append(contentsOf: block.rows)
                reading.rows.append(row)
                reading.keptRanges.append(block.start..<offset)
                sealSeen = sealSeen || block.seal != nil
            }
            reading.completeBytes = offset
            block = OpenBlock(start: offset, firstLine: lineNumber + 1)
        }
        return reading
    }

    /// Replaces `per_image.csv` at `url` by its header and intact blocks (through a temporary file, made durable
    /// before it takes the file's name), and returns its new length.
    static func dropDamagedBlocks(_ url: URL, keeping reading: BlockReading) throws(ReportError) -> Int {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(perImageName).partial")
        do {
            let bytes = [UInt8](try Data(contentsOf: url))
            var kept: [UInt8] = []
            for range in reading.keptRanges { kept.append(contentsOf: bytes[range]) }
            guard FileManager.default.createFile(atPath: temporary.path, contents: Data(kept)) else {
                throw ReportError.io(path: temporary.path, reason: "cannot create the file")
            }
            let handle = try FileHandle(forUpdating: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw ReportError.io(path: url.path, reason: "cannot replace it with \(temporary.lastPathComponent)")
            }
            return kept.count
        } catch let error as ReportError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }
}
