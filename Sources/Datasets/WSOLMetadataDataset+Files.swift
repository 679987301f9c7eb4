/// Readers of the wsolevaluation metadata files, following `data_loaders.py` (`get_class_labels`,
/// `get_image_sizes`, `get_bounding_boxes`, `get_mask_paths`): each line is `line.strip('\n').split(',')`, so
/// fields are split at every comma with no quoting. Lines for image ids that `image_ids.txt` does not list are
/// ignored, as wsolevaluation only looks up its own ids.
extension WSOLMetadataDataset {
    /// `class_labels.txt`: stores each image's label; returns the largest label seen (-1 when none).
    /// A second, different label for one image is recorded as that image's problem (Python's dict would keep the
    /// last one silently).
    static func readLabels(_ path: String, into records: inout [String: Record]) throws -> Int {
        var maxLabel = -1
        for line in TextTable.lines(try TextTable.readText(path)) {
            let fields = TextTable.commaFields(line.text)
            guard fields.count == 2 else {
                throw DatasetError.malformedAnnotation(
                    path: path,
                    reason: "line \(line.number): expected '<image_id>,<label>', found \(fields.count) fields")
            }
            let label = try TextTable.integer(fields[1], what: "class label", path: path, line: line.number)
            let imageID = String(fields[0])
            guard var record = records[imageID] else { continue }
            if let existing = record.label, existing != label {
                record.problem =
                    record.problem
                    ?? .malformedAnnotation(
                        path: path,
                        reason: "line \(line.number): second label \(label) for '\(imageID)' (was \(existing))")
            }
            record.label = label
            records[imageID] = record
            maxLabel = max(maxLabel, label)
        }
        return maxLabel
    }

    /// `image_sizes.txt` (optional; empty for OpenImages): `<image_id>,<width>,<height>`.
    static func readSizes(_ path: String, into records: inout [String: Record]) throws {
        guard TextTable.isFile(path) else { return }
        for line in TextTable.lines(try TextTable.readText(path)) {
            let fields = TextTable.commaFields(line.text)
            guard fields.count == 3 else {
                throw DatasetError.malformedAnnotation(
                    path: path,
                    reason: "line \(line.number): expected '<image_id>,<width>,<height>', found \(fields.count) fields")
            }
            let width = try TextTable.integer(fields[1], what: "width", path: path, line: line.number)
            let height = try TextTable.integer(fields[2], what: "height", path: path, line: line.number)
            guard width > 0, height > 0 else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(line.number): size \(width)x\(height) is not positive")
            }
            records[String(fields[0])]?.size = (width, height)
        }
    }

    /// `localization.txt` (optional): boxes or OpenImages mask lines, told apart by the first line's field count
    /// (5 or 3); every later line must have the same count.
    ///
    /// Boxes are stored in file order as `x0, y0, x1, y1`. (`get_bounding_boxes` names its variables
    /// `x0, x1, y0, y1` but keeps file order, so the result is `x0, y0, x1, y1`; evaluation.md §1.9.)
    /// For masks, an image's first line carries its ignore PNG and later lines must leave it empty (the reference
    /// asserts this; here a later ignore PNG is recorded as the image's problem). A first line with an empty
    /// ignore field means no ignore region (the reference would fail to read the empty path).
    static func readLocalization(_ path: String, into records: inout [String: Record]) throws -> AnnotationKind {
        guard TextTable.isFile(path) else { return .none }
        var kind = AnnotationKind.none
        for line in TextTable.lines(try TextTable.readText(path)) {
            let fields = TextTable.commaFields(line.text)
            if kind == .none {
                switch fields.count {
                case 5: kind = .boxes
                case 3: kind = .masks
                default:
                    throw DatasetError.malformedAnnotation(
                        path: path,
                        reason: "line \(line.number): expected '<image_id>,<x0>,<y0>,<x1>,<y1>' or "
                            + "'<image_id>,<mask png>,<ignore png>', found \(fields.count) fields")
                }
            }
            let expected = kind == .boxes ? 5 : 3
            guard fields.count == expected else {
                throw DatasetError.malformedAnnotation(
                    path: path,
                    reason: "line \(line.number): \(fields.count) fields where the file's \(kind.rawValue) lines have "
                        + "\(expected)")
            }
            let imageID = String(fields[0])
            if kind == .boxes {
                var coordinates: [Int] = []
                for (field, name) in zip(fields[1...], ["x0", "y0", "x1", "y1"]) {
                    coordinates.append(try TextTable.integer(field, what: name, path: path, line: line.number))
                }
                let box = BoundingBox(
                    xMin: Double(coordinates[0]), yMin: Double(coordinates[1]), xMax: Double(coordinates[2]),
                    yMax: Double(coordinates[3]), convention: .zeroBasedInclusive)
                records[imageID]?.boxes.append((box, line.number))
            } else {
                guard var record = records[imageID] else { continue }
                let maskPath = String(fields[1])
                let ignorePath = String(fields[2])
                guard !maskPath.isEmpty else {
                    throw DatasetError.malformedAnnotation(path: path, reason: "line \(line.number): empty mask path")
                }
                if record.maskPaths.isEmpty {
                    record.ignorePath = ignorePath.isEmpty ? nil : ignorePath
                } else if !ignorePath.isEmpty {
                    record.problem =
                        record.problem
                        ?? .malformedAnnotation(
                            path: path,
                            reason: "line \(line.number): second ignore PNG for '\(imageID)'; only an image's first "
                                + "line may name one")
                }
                record.maskPaths.append(maskPath)
                records[imageID] = record
            }
        }
        return kind
    }
}
