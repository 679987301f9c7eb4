extension ImageNetValDataset {
    /// Where the boxes come from.
    public enum AnnotationSource: String, Sendable, CaseIterable {
        /// Per-image VOC-like XML (`ILSVRC2012_bbox_val_v3.tgz`, or Kaggle's `ILSVRC/Annotations/CLS-LOC/val`),
        /// parsed by ``ImageNetValDataset/sample(at:)``. Carries the image size, so boxes are checked against it.
        case xml
        /// Kaggle's `LOC_val_solution.csv`, parsed whole when the dataset is opened (it is the index). It has
        /// no image sizes, so boxes are only checked for min <= max and non-negative coordinates.
        case csv
        /// No boxes: the class is the wnid folder the image sits in (`val/n01751748/...`).
        case folders
    }

    /// How the validation images are arranged.
    public enum ImageArrangement: String, Sendable, CaseIterable {
        /// `val/ILSVRC2012_val_00000001.JPEG` (the tar's layout, and Kaggle's `ILSVRC/Data/CLS-LOC/val`).
        case flat
        /// `val/n01751748/ILSVRC2012_val_00000001.JPEG` (after the usual `valprep.sh`).
        case wnidFolders = "wnid-folders"
    }

    /// What was found on disk, for `bench inspect` and error messages.
    public struct Layout: Sendable, Equatable {
        /// The folder holding the images (flat or in wnid folders).
        public var imagesDirectory: String
        public var imageArrangement: ImageArrangement
        public var annotationSource: AnnotationSource
        /// The XML folder or the CSV file; `nil` for ``AnnotationSource/folders``.
        public var annotationsPath: String?
        /// `LOC_synset_mapping.txt`, or `nil` when the class list is the sorted wnid folder names.
        public var synsetMappingPath: String?
    }

    /// Overrides for ``ImageNetValDataset/init(root:options:)``; every `nil` means "detect".
    public struct Options: Sendable, Equatable {
        /// Force an annotation source. Detection prefers per-image XML (it has sizes), then the CSV, then wnid
        /// folders.
        public var annotationSource: AnnotationSource?
        /// The images folder, when it is not one of the standard places under the root.
        public var imagesDirectory: String?
        /// The XML folder or the CSV file, when not in the standard place.
        public var annotationsPath: String?
        /// `LOC_synset_mapping.txt`, when not at the root.
        public var synsetMapping: String?
        /// Whether a box outside the declared size (XML) fails the sample with
        /// ``DatasetError/boxOutsideImage(path:box:width:height:)``. Default `true`; with `false` it is kept
        /// and clamped to `[0, W-1]` by ``BoundingBox/pixelBounds(width:height:)``, as wsolevaluation would.
        public var rejectBoxesOutsideImage: Bool

        public init(
            annotationSource: AnnotationSource? = nil, imagesDirectory: String? = nil,
            annotationsPath: String? = nil, synsetMapping: String? = nil, rejectBoxesOutsideImage: Bool = true
        ) {
            self.annotationSource = annotationSource
            self.imagesDirectory = imagesDirectory
            self.annotationsPath = annotationsPath
            self.synsetMapping = synsetMapping
            self.rejectBoxesOutsideImage = rejectBoxesOutsideImage
        }
    }
}
