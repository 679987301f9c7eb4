import Imaging

extension Sample {
    /// Which masks ``validated(against:masks:)`` loads and checks.
    public enum MaskSelection: Sendable {
        /// None: the image-level checks only (a run whose ground truth is boxes).
        case none
        /// The semantic mask (``Sample/segmentation``), which runs score against.
        case segmentation
        /// The semantic and the instance mask (`bench inspect --decode`).
        case all
    }

    /// The masks loaded by ``validated(against:masks:)``; `nil` where the sample has none or it was not asked for.
    public struct LoadedMasks: Sendable {
        public var segmentation: SegmentationMask?
        public var instances: SegmentationMask?

        public init(segmentation: SegmentationMask? = nil, instances: SegmentationMask? = nil) {
            self.segmentation = segmentation
            self.instances = instances
        }
    }

    /// The per-sample checks that need the decoded image, shared by a run (``Sample`` by ``Sample``, on its
    /// prefetch thread) and `bench inspect --decode`, so both refuse the same samples with the same errors:
    ///
    /// 1. the decoded size equals the size the annotation declares (``declaredSize``), when it declares one;
    /// 2. every box has min <= max and at least one pixel inside the decoded image (adapters with a declared
    ///    size already hold boxes to the stricter "wholly inside" rule when they are opened);
    /// 3. each selected mask loads (present, decodable, valid values), has the image's size when
    ///    ``masksMatchImage``, and a class-index mask (VOC) has pixels of every labelled class that has a
    ///    non-difficult object (a class whose objects are all difficult is void in VOC masks).
    ///
    /// - Parameters:
    ///   - image: the sample's decoded image.
    ///   - masks: which masks to load and check.
    /// - Returns: the loaded masks, so a run scores with them and never decodes them again.
    /// - Throws: ``DatasetError/declaredSizeMismatch(annotationPath:declaredWidth:declaredHeight:imagePath:width:
    ///   height:)``, ``DatasetError/boxOutsideImage(path:box:width:height:)``, ``DatasetError/maskSizeMismatch(
    ///   maskPath:maskWidth:maskHeight:imagePath:imageWidth:imageHeight:)``, ``DatasetError/emptyMask(path:)``, or
    ///   the mask loader's error (``DatasetError/missingFile(path:)``, ``DatasetError/image(_:)`` for a corrupt or
    ///   truncated PNG, ...).
    public func validated(against image: RGBImage, masks: MaskSelection) throws(DatasetError) -> LoadedMasks {
        let imageName = imagePath ?? id
        if let declared = declaredSize, declared.width != image.width || declared.height != image.height {
            throw .declaredSizeMismatch(
                annotationPath: annotationPath ?? id, declaredWidth: declared.width, declaredHeight: declared.height,
                imagePath: imageName, width: image.width, height: image.height)
        }
        for object in objects {
            guard let box = object.box else { continue }
            if box.xMin > box.xMax || box.yMin > box.yMax
                || box.pixelBounds(width: image.width, height: image.height) == nil
            {
                throw .boxOutsideImage(
                    path: annotationPath ?? imageName, box: box.description, width: image.width, height: image.height)
            }
        }
        var loaded = LoadedMasks()
        guard masks != .none else { return loaded }
        if let segmentation {
            let mask = try Self.load(segmentation, name: imageName)
            try checkSize(of: mask, image: image, name: imageName)
            try checkClassesPresent(in: mask, name: imageName)
            loaded.segmentation = mask
        }
        if masks == .all, let instances {
            let mask = try Self.load(instances, name: imageName)
            try checkSize(of: mask, image: image, name: imageName)
            loaded.instances = mask
        }
        return loaded
    }

    /// Runs a mask loader, mapping its errors to ``DatasetError``.
    private static func load(_ loader: Lazy<SegmentationMask>, name: String) throws(DatasetError) -> SegmentationMask {
        do {
            return try loader.load()
        } catch let error as DatasetError {
            throw error
        } catch ImageError.fileNotFound(let path) {
            throw .missingFile(path: path)
        } catch let error as ImageError {
            throw .image(error)
        } catch {
            throw .malformedAnnotation(path: name, reason: "mask: \(error)")
        }
    }

    private func checkSize(of mask: SegmentationMask, image: RGBImage, name: String) throws(DatasetError) {
        guard masksMatchImage, mask.width != image.width || mask.height != image.height else { return }
        throw .maskSizeMismatch(
            maskPath: "mask of \(name)", maskWidth: mask.width, maskHeight: mask.height, imagePath: name,
            imageWidth: image.width, imageHeight: image.height)
    }

    private func checkClassesPresent(in mask: SegmentationMask, name: String) throws(DatasetError) {
        guard mask.encoding == .classIndexPlusOne else { return }
        for label in labels where !mask.foreground(classIndex: label).contains(true) {
            let hasVisibleObject = objects.contains { $0.classIndex == label && !$0.isDifficult }
            if hasVisibleObject || objects.isEmpty { throw .emptyMask(path: name) }
        }
    }
}
