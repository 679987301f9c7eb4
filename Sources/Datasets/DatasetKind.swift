/// The dataset adapters by command-line id, with what each reads (for `bench datasets`).
public enum DatasetKind: String, CaseIterable, Sendable {
    case voc
    case imagenet
    case cub
    case imagenetSegmentation = "imagenet-seg"
    case wsol
    case folder
    case synthetic

    /// One line on what the dataset is.
    public var summary: String {
        switch self {
        case .voc: VOCDataset.summary
        case .imagenet: ImageNetValDataset.summary
        case .cub: CUBDataset.summary
        case .imagenetSegmentation:
            "ImageNet-Segmentation (Guillaumin et al.): 4,276 images with binary object masks, no class labels"
        case .wsol: WSOLMetadataDataset.summary
        case .folder: FolderDataset.summary
        case .synthetic:
            "Synthetic scenes from `bench synth`: \(SyntheticGenerator.classNames.count) shape-and-texture "
                + "classes in the VOC 2012 layout"
        }
    }

    /// The files the adapter reads.
    public var reads: String {
        switch self {
        case .voc: VOCDataset.reads
        case .imagenet: ImageNetValDataset.reads
        case .cub: CUBDataset.reads
        case .imagenetSegmentation: "gtsegs_ijcv.mat (MATLAB v7.3 / HDF5): /value/img and /value/gt object references"
        case .wsol: WSOLMetadataDataset.reads
        case .folder: FolderDataset.reads
        case .synthetic: "as voc, with the class list of the synthetic generator (synthetic.json records it)"
        }
    }

    /// What `--root` points at.
    public var rootDescription: String {
        switch self {
        case .voc: "VOCdevkit/VOC2012, VOCdevkit, or the folder holding VOCdevkit"
        case .imagenet: "the folder holding val/ (or ILSVRC/ in the Kaggle layout) and the synset mapping"
        case .cub: "CUB_200_2011/"
        case .imagenetSegmentation: "the folder holding gtsegs_ijcv.mat, or the file"
        case .wsol: "metadata/<DATASET>/<split>/ (images resolve against --data-root)"
        case .folder: "the folder holding images/ and masks/"
        case .synthetic: "the folder written by `bench synth --out`"
        }
    }

    /// The split used when none is given.
    public var defaultSplit: String {
        switch self {
        case .voc, .imagenet, .synthetic: "val"
        case .folder: "all"
        case .cub, .wsol, .imagenetSegmentation: "test"
        }
    }
}
