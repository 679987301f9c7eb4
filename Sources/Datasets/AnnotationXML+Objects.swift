extension AnnotationXML {
    /// The objects as ``AnnotatedObject``s, shared by the VOC and ILSVRC readers (both write VOC-style XML).
    ///
    /// - Parameters:
    ///   - path: the file, named in errors.
    ///   - classIndex: class index by `<name>` (VOC class name or wnid).
    ///   - convention: how the dataset's box numbers map to pixels.
    ///   - size: the declared image size, if any.
    ///   - rejectBoxesOutside: whether a box outside `size` fails the sample; without a size, only boxes with
    ///     min > max or a negative coordinate fail.
    /// - Throws: ``DatasetError/unknownClass(path:name:)``, ``DatasetError/malformedAnnotation(path:reason:)`` for
    ///   an object without `<bndbox>`, ``DatasetError/boxOutsideImage(path:box:width:height:)``.
    func annotatedObjects(
        path: String, classIndex: [String: Int], convention: BoundingBox.Convention,
        size: (width: Int, height: Int)?, rejectBoxesOutside: Bool
    ) throws -> [AnnotatedObject] {
        var annotated: [AnnotatedObject] = []
        annotated.reserveCapacity(objects.count)
        for (number, object) in zip(1..., objects) {
            guard let index = classIndex[object.name] else {
                throw DatasetError.unknownClass(path: path, name: object.name)
            }
            guard let raw = object.box else {
                throw DatasetError.malformedAnnotation(path: path, reason: "object \(number) has no <bndbox>")
            }
            let box = BoundingBox(
                xMin: raw.xMin, yMin: raw.yMin, xMax: raw.xMax, yMax: raw.yMax, convention: convention)
            if rejectBoxesOutside {
                if let size, !box.isInside(width: size.width, height: size.height) {
                    throw DatasetError.boxOutsideImage(
                        path: path, box: box.description, width: size.width, height: size.height)
                }
                if size == nil, let problem = Self.boxProblem(box) {
                    throw DatasetError.malformedAnnotation(path: path, reason: "object \(number): \(problem)")
                }
            }
            annotated.append(
                AnnotatedObject(
                    classIndex: index, box: box, isDifficult: object.isDifficult, isTruncated: object.isTruncated,
                    isOccluded: object.isOccluded))
        }
        return annotated
    }

    /// Why a box is invalid without knowing the image size (min > max, negative coordinate), or `nil`.
    static func boxProblem(_ box: BoundingBox) -> String? {
        if box.xMin > box.xMax || box.yMin > box.yMax { return "box \(box) has min > max" }
        if box.xMin < 0 || box.yMin < 0 { return "box \(box) has a negative coordinate" }
        return nil
    }
}
