/// Readers of the CUB-200-2011 index files (all whitespace-separated, one record a line, ids 1-based).
extension CUBDataset {
    /// A value with the line it came from, for error messages.
    struct Numbered<Value: Sendable>: Sendable {
        let value: Value
        let line: Int
    }

    /// `classes.txt`: the class directory names ordered by class id; ids must be exactly 1...N.
    static func readClasses(_ path: String) throws -> [String] {
        var names: [Int: String] = [:]
        for line in TextTable.lines(try TextTable.readText(path)) {
            guard let (key, rest) = TextTable.keyAndRest(line.text) else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(line.number): expected '<class_id> <class_dir>'")
            }
            let classID = try TextTable.integer(key, what: "class id", path: path, line: line.number)
            guard names[classID] == nil else {
                throw DatasetError.invalidLayout(path: path, reason: "class id \(classID) appears twice")
            }
            names[classID] = String(rest)
        }
        guard !names.isEmpty else { throw DatasetError.invalidLayout(path: path, reason: "no classes") }
        let ordered = (1...names.count).compactMap { names[$0] }
        guard ordered.count == names.count else {
            throw DatasetError.invalidLayout(path: path, reason: "class ids are not 1...\(names.count)")
        }
        return ordered
    }

    /// `images.txt`: `(image_id, relative path)` in file order; ids must be unique and positive, and the paths
    /// (the sample ids) unique, relative and free of `..` components.
    static func readImages(_ path: String) throws -> [(Int, String)] {
        var images: [(Int, String)] = []
        var seen = Set<Int>()
        var seenPaths: [String: Int] = [:]
        for line in TextTable.lines(try TextTable.readText(path)) {
            guard let (key, rest) = TextTable.keyAndRest(line.text) else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(line.number): expected '<image_id> <relative path>'")
            }
            let imageID = try TextTable.integer(key, what: "image id", path: path, line: line.number)
            guard imageID >= 1 else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(line.number): image id \(imageID) is not positive")
            }
            guard seen.insert(imageID).inserted else {
                throw DatasetError.invalidLayout(path: path, reason: "image id \(imageID) appears twice")
            }
            try TextTable.checkSplitID(
                String(rest), form: .relativePath, path: path, line: line.number, seen: &seenPaths)
            images.append((imageID, String(rest)))
        }
        return images
    }

    /// A file of `<image_id> <integer>` lines (`image_class_labels.txt`, `train_test_split.txt`).
    static func readIntegerPairs(_ path: String, what: String) throws -> [Int: Numbered<Int>] {
        var values: [Int: Numbered<Int>] = [:]
        for line in TextTable.lines(try TextTable.readText(path)) {
            let fields = TextTable.whitespaceFields(line.text)
            guard fields.count == 2 else {
                throw DatasetError.malformedAnnotation(
                    path: path,
                    reason: "line \(line.number): expected '<image_id> <\(what)>', found \(fields.count) fields")
            }
            let imageID = try TextTable.integer(fields[0], what: "image id", path: path, line: line.number)
            let value = try TextTable.integer(fields[1], what: what, path: path, line: line.number)
            guard values[imageID] == nil else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(line.number): image id \(imageID) appears twice")
            }
            values[imageID] = Numbered(value: value, line: line.number)
        }
        return values
    }

    /// `bounding_boxes.txt`: `<image_id> <x> <y> <width> <height>` converted to `x0, y0, x0 + w, y0 + h`.
    /// A box with a negative coordinate or size is kept as a per-image failure.
    static func readBoxes(_ path: String) throws -> [Int: Result<BoundingBox, DatasetError>] {
        var boxes: [Int: Result<BoundingBox, DatasetError>] = [:]
        for line in TextTable.lines(try TextTable.readText(path)) {
            let fields = TextTable.whitespaceFields(line.text)
            guard fields.count == 5 else {
                throw DatasetError.malformedAnnotation(
                    path: path,
                    reason: "line \(line.number): expected '<image_id> <x> <y> <width> <height>', found "
                        + "\(fields.count) fields")
            }
            let imageID = try TextTable.integer(fields[0], what: "image id", path: path, line: line.number)
            let names = ["x", "y", "width", "height"]
            var numbers: [Double] = []
            for (field, name) in zip(fields[1...], names) {
                numbers.append(try TextTable.number(field, what: name, path: path, line: line.number))
            }
            guard boxes[imageID] == nil else {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(line.number): image id \(imageID) has a second box")
            }
            let (x, y, width, height) = (numbers[0], numbers[1], numbers[2], numbers[3])
            if x < 0 || y < 0 || width < 0 || height < 0 {
                boxes[imageID] = .failure(
                    .malformedAnnotation(
                        path: path, reason: "line \(line.number): negative box value in '\(line.text)'"))
            } else {
                boxes[imageID] = .success(
                    BoundingBox(xMin: x, yMin: y, xMax: x + width, yMax: y + height, convention: .zeroBasedInclusive))
            }
        }
        return boxes
    }
}
