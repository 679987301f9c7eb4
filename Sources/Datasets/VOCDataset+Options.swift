extension VOCDataset {
    /// Which `ImageSets/` folder the split list comes from.
    public enum ImageSet: String, Sendable, CaseIterable {
        /// `ImageSets/Segmentation/<split>.txt`: ids with masks (val: 1,449 images).
        case segmentation = "Segmentation"
        /// `ImageSets/Main/<split>.txt`: the detection/classification lists (val: 5,823 images).
        case main = "Main"
    }

    /// Which images of the split are kept: all, or only those showing a single class.
    public enum SingleClassSelection: String, Sendable, CaseIterable {
        /// Every image of the split.
        case off
        /// Images in which exactly one class has a non-difficult object; difficult objects of other classes
        /// are allowed, and images whose objects are all difficult are dropped.
        ///
        /// This is Leem & Seo 2024 (AG-CAM, `PascalVOC2012Dataset_remove_multi_class`): their loader keeps the
        /// lines of a custom `ImageSets/Main/val_classes.txt` with exactly one `'1'` among the 20 class labels.
        /// That file is not released; we read its labels as VOC's per-class lists define them (`1` = the class
        /// has a non-difficult instance, `0` = only difficult ones, `-1` = absent), which is this rule.
        case nonDifficult = "non-difficult"
        /// Images whose objects, difficult ones included, are all of one class (the literal "single-class
        /// image"); stricter than ``nonDifficult``.
        case allObjects = "all-objects"
    }

    /// How a ``VOCDataset`` selects and labels its samples.
    public struct Options: Sendable, Equatable {
        /// The split list's name (`val`, `train`, `trainval`, or any `<name>.txt` in the image-set folder).
        public var split: String
        /// The image-set folder the list comes from.
        public var imageSet: ImageSet
        /// Whether ``Sample/labels`` includes classes that only have difficult objects. Default `true`: the
        /// labels are the classes of all objects. Ignored when ``singleClass`` is on (the label is then the
        /// selected class).
        public var labelsIncludeDifficult: Bool
        /// The single-class subset. Selecting it parses every annotation of the split when the dataset is
        /// opened (about 10-20 µs per file once cached, so ~0.1 s for the 5,823 `Main/val` files; cold disks
        /// take longer); the parsed annotations are kept and reused by ``VOCDataset/sample(at:)``.
        public var singleClass: SingleClassSelection
        /// Whether a box outside the declared image size (or with min > max) fails the sample with
        /// ``DatasetError/boxOutsideImage(path:box:width:height:)``. Default `true`; with `false` such boxes
        /// are kept and clamped by ``BoundingBox/pixelBounds(width:height:)``.
        public var rejectBoxesOutsideImage: Bool
        /// The class list: `name` in the XML is looked up here, and class `k` is mask value `k + 1`. Default
        /// the 20 VOC classes; another list reads a VOC-layout dataset with other classes (`bench synth`'s).
        /// At most 254 names, so every class has a mask value below the void 255.
        public var classNames: [String]

        public init(
            split: String = "val", imageSet: ImageSet = .segmentation, labelsIncludeDifficult: Bool = true,
            singleClass: SingleClassSelection = .off, rejectBoxesOutsideImage: Bool = true,
            classNames: [String] = VOCDataset.classNames
        ) {
            self.split = split
            self.imageSet = imageSet
            self.labelsIncludeDifficult = labelsIncludeDifficult
            self.singleClass = singleClass
            self.rejectBoxesOutsideImage = rejectBoxesOutsideImage
            self.classNames = classNames
        }

        /// Leem & Seo 2024 (AG-CAM) VOC set: `ImageSets/Main/val.txt` images with exactly one class that has a
        /// non-difficult object (their list lives in `ImageSets/Main`, so the detection val split, not the
        /// segmentation one). Their ground truth is the boxes of that class, difficult ones included.
        public static let leemSeo2024 = Options(split: "val", imageSet: .main, singleClass: .nonDifficult)
    }
}
