import Foundation

extension ImageNetValDataset {
    /// One row of `LOC_val_solution.csv`: the image id and its objects (or why the row is unusable).
    struct SolutionRow: Sendable {
        let id: String
        let objects: Result<[AnnotatedObject], DatasetError>
    }

    /// Reads Kaggle's `LOC_val_solution.csv`, sorted by `ImageId`.
    ///
    /// Format: the header `ImageId,PredictionString`, then `ILSVRC2012_val_00000001,n01751748 111 108 441 193 `
    /// (a trailing space in the real file): groups of 5 space-separated tokens `wnid xmin ymin xmax ymax`, one
    /// per box, 0-based inclusive integer pixels. Rows are not sorted in the file. A bad row (token count not a
    /// multiple of 5, a non-number, an unknown wnid, a repeated id) becomes that sample's failure, so the run
    /// records it; only a missing header fails the whole file.
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` when the header or an id is missing.
    static func readSolution(
        path: String, classIndexByWnid: [String: Int], options: Options
    ) throws -> [SolutionRow] {
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError.missingFile(path: path) }
        let text = String(decoding: data, as: UTF8.self)
        // `isNewline`, not "\n": Swift reads "\r\n" as one Character, so splitting on "\n" misses CRLF lines.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).makeIterator()
        let header = lines.next().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let headerFields = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        // A UTF-8 byte-order mark, if an editor added one, is not part of the first field's name.
        guard headerFields.count == 2, headerFields[0].hasSuffix("ImageId"), headerFields[1] == "PredictionString"
        else {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "header '\(header.prefix(60))', expected 'ImageId,PredictionString'")
        }
        var rows: [SolutionRow] = []
        var lineOfID: [String: Int] = [:]
        var rowOfID: [String: Int] = [:]
        var number = 1
        while let rawLine = lines.next() {
            number += 1
            let line = rawLine
            if line.allSatisfy({ $0 == " " }) { continue }
            guard let comma = line.firstIndex(of: ",") else {
                throw DatasetError.malformedAnnotation(path: path, reason: "line \(number) has no comma")
            }
            let id = line[..<comma].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else {
                throw DatasetError.malformedAnnotation(path: path, reason: "line \(number) has an empty ImageId")
            }
            if let first = lineOfID[id] {
                // Which of two rows for one image is right is unknown: the sample fails, naming both lines.
                let failure = DatasetError.malformedAnnotation(
                    path: path, reason: "line \(number): ImageId \(id) already on line \(first)")
                if let row = rowOfID[id] { rows[row] = SolutionRow(id: id, objects: .failure(failure)) }
                continue
            }
            lineOfID[id] = number
            rowOfID[id] = rows.count
            let objects = Result {
                try parseObjects(
                    line[line.index(after: comma)...], line: number, path: path, classIndexByWnid: classIndexByWnid,
                    options: options)
            }.mapError { $0 as? DatasetError ?? .malformedAnnotation(path: path, reason: "line \(number): \($0)") }
            rows.append(SolutionRow(id: id, objects: objects))
        }
        rows.sort { $0.id < $1.id }
        return rows
    }

    /// Parses one `PredictionString`.
    private static func parseObjects(
        _ field: Substring, line: Int, path: String, classIndexByWnid: [String: Int], options: Options
    ) throws -> [AnnotatedObject] {
        let tokens = field.split(separator: " ")
        guard !tokens.isEmpty, tokens.count % 5 == 0 else {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "line \(line): \(tokens.count) tokens, expected groups of 5 (wnid x0 y0 x1 y1)")
        }
        var objects: [AnnotatedObject] = []
        objects.reserveCapacity(tokens.count / 5)
        for start in stride(from: 0, to: tokens.count, by: 5) {
            let wnid = String(tokens[start])
            guard let classIndex = classIndexByWnid[wnid] else {
                throw DatasetError.unknownClass(path: path, name: wnid)
            }
            var numbers: [Double] = []
            for token in tokens[(start + 1)..<(start + 5)] {
                guard let value = Double(token), value.isFinite else {
                    throw DatasetError.malformedAnnotation(
                        path: path, reason: "line \(line): '\(token)' is not a number")
                }
                numbers.append(value)
            }
            let box = BoundingBox(
                xMin: numbers[0], yMin: numbers[1], xMax: numbers[2], yMax: numbers[3], convention: .zeroBasedInclusive)
            if options.rejectBoxesOutsideImage, let problem = AnnotationXML.boxProblem(box) {
                throw DatasetError.malformedAnnotation(path: path, reason: "line \(line): \(problem)")
            }
            objects.append(AnnotatedObject(classIndex: classIndex, box: box))
        }
        return objects
    }
}
