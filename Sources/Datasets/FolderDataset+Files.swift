import Foundation

/// Readers of the folder layout's listings and annotation files.
extension FolderDataset {
    /// The files of `folder` with one of `extensions` (any case), keyed by stem; hidden files are skipped and
    /// other files are appended to `ignored` as `<folderName>/<file>`.
    /// - Throws: ``DatasetError/invalidLayout(path:reason:)`` when two files share a stem.
    static func listByStem(
        _ folder: String, folderName: String, extensions: Set<String>, ignored: inout [String]
    ) throws -> [String: String] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DatasetError.invalidLayout(
                path: folder, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        var byStem: [String: String] = [:]
        for file in files.sorted(by: codePointOrder) where !file.hasPrefix(".") {
            guard let dot = file.lastIndex(of: "."), dot > file.startIndex,
                extensions.contains(file[file.index(after: dot)...].lowercased()),
                TextTable.isFile(TextTable.join(folder, file))
            else {
                ignored.append("\(folderName)/\(file)")
                continue
            }
            let stem = String(file[..<dot])
            if let other = byStem[stem] {
                throw DatasetError.invalidLayout(
                    path: TextTable.join(folder, file), reason: "stem '\(stem)' is also used by \(folderName)/\(other)")
            }
            byStem[stem] = file
        }
        return byStem
    }

    /// `labels.csv` (optional): RFC 4180 CSV, header `id,label`, then `<stem>,<class name>` rows.
    /// - Returns: per stem, the class names with their line numbers, in file order.
    static func readLabels(_ path: String) throws -> [String: [(name: String, line: Int)]] {
        guard TextTable.isFile(path) else { return [:] }
        let records = try TextTable.csvRecords(try TextTable.readText(path), path: path)
        guard let header = records.first else { return [:] }
        guard header.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == ["id", "label"] else {
            throw DatasetError.invalidLayout(
                path: path,
                reason: "line \(header.number): the header must be 'id,label', found '"
                    + header.fields.joined(separator: ",") + "'")
        }
        var labels: [String: [(name: String, line: Int)]] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == 2 else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(record.number): expected 2 fields, found \(record.fields.count)")
            }
            let stem = record.fields[0].trimmingCharacters(in: .whitespaces)
            let name = record.fields[1].trimmingCharacters(in: .whitespaces)
            guard !stem.isEmpty, !name.isEmpty else {
                throw DatasetError.malformedAnnotation(path: path, reason: "line \(record.number): empty id or label")
            }
            labels[stem, default: []].append((name, record.number))
        }
        return labels
    }

    /// One element of a box array: a number or a class name.
    private enum BoxElement: Decodable {
        case number(Double)
        case name(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .name(try container.decode(String.self))
            }
        }
    }

    /// `boxes.json` (optional): `{ "<stem>": [[x0, y0, x1, y1] or [x0, y0, x1, y1, "class"], ...] }`.
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` for JSON of another shape, naming the stem.
    static func readBoxes(_ path: String) throws -> [String: [BoxEntry]] {
        guard TextTable.isFile(path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError.missingFile(path: path) }
        let decoded: [String: [[BoxElement]]]
        do {
            decoded = try JSONDecoder().decode([String: [[BoxElement]]].self, from: data)
        } catch {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "expected {\"<stem>\": [[x0, y0, x1, y1, \"class\"], ...]}: \(error)")
        }
        var boxes: [String: [BoxEntry]] = [:]
        for (stem, list) in decoded {
            boxes[stem] = try list.enumerated().map { position, elements in
                var numbers: [Double] = []
                var className: String?
                for (offset, element) in elements.enumerated() {
                    switch element {
                    case .number(let value) where offset < 4 && value.isFinite: numbers.append(value)
                    case .name(let name) where offset == 4: className = name
                    default:
                        throw DatasetError.malformedAnnotation(
                            path: path, reason: "box \(position) of '\(stem)': element \(offset) is not valid")
                    }
                }
                guard numbers.count == 4 else {
                    throw DatasetError.malformedAnnotation(
                        path: path,
                        reason: "box \(position) of '\(stem)' has \(elements.count) elements, expected 4 or 5")
                }
                return BoxEntry(coordinates: numbers, className: className)
            }
        }
        return boxes
    }
}
