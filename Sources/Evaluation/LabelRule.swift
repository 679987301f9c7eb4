/// How a protocol picks the label of an image with several labels, and whose ground truth its maps are scored
/// against (``EvaluationProtocol/labelRule``; `bench protocols` prints it as `label-rule`).
///
/// The label is the class a `map-class = label` protocol explains, the class the perturbation test scores
/// (``PerturbationSettings/scoreClass``), and the class that names the image's rows (the `label` column, so
/// `per_class.csv`). An image with one label gets that label under every rule, and no label gives none.
///
/// What the reference code does with several labels (evaluation.md §6.1: "none of the four anchors ships a
/// VOC WSOL protocol"):
/// - Chefer et al. 2021 (`imagenet_seg_eval.py`): ImageNet-Segmentation has no class labels; its masks mark
///   the object's pixels whatever their class, and the map explains the predicted class.
/// - Leem & Seo 2024 (AG-CAM, `Datasets/PascalVOC2012Dataset_remove_multi_class`, methods.md §1.4): images with
///   more than one class are dropped before evaluation, so no rule is needed; reproduce it with the VOC
///   adapter's single-class selection (`--single-class non-difficult`, ``VOCDataset/Options/leemSeo2024``).
///   Its ImageNet and CUB are single-label.
/// - Choe et al. 2020 (wsolevaluation, `class_labels.txt`): one label per image.
/// - Coporan 2025 (VOC): not stated.
public enum LabelRule: String, Sendable, Hashable, CaseIterable {
    /// The top-1 class when it is one of the image's labels, else the smallest label index. The ground truth is
    /// that class's, so the map's class, its ground truth, the perturbation's label and the row's label are
    /// one class whenever the model predicts one of the image's classes. This is what the harness did before
    /// the rule existed for `map-class = predicted` protocols (their ground truth was the map's class's when
    /// labelled, else the first label's).
    case targetClass = "target-class"
    /// The label whose ground truth covers the most pixels at the map size, as the protocol scores it (mask
    /// pixels of the class where it scores masks, the union of the class's boxes otherwise; void excluded);
    /// ties go to the smaller class index. The classification plays no part, as a ground-truth-known protocol
    /// (wsolevaluation) wants: the image's main object, as ImageNet's one label names its main object.
    case largestObject = "largest-object"
    /// The ground truth is the union of every label's (all annotated objects), as a class-agnostic mask such
    /// as ImageNet-Segmentation's is; the label is chosen as under ``targetClass``.
    case everyLabel = "every-label"

    /// A label and the classes of the ground truth, as a rule chose them.
    package struct Choice: Equatable, Sendable {
        /// The image's label.
        package var label: Int
        /// The classes whose ground truth (united) the maps are scored against.
        package var truthClasses: [Int]

        package init(label: Int, truthClasses: [Int]) {
            self.label = label
            self.truthClasses = truthClasses
        }
    }

    /// One line for `bench protocols`: what the rule picks.
    package var summary: String {
        switch self {
        case .targetClass: "the top-1 class if it is a label, else the smallest label; its ground truth"
        case .largestObject: "the label with the largest ground truth at the map size (ties: smaller index)"
        case .everyLabel: "ground truth of every label united; label as target-class"
        }
    }

    /// The label of an image and the classes of its ground truth, or nil when it has no label.
    /// - Parameters:
    ///   - labels: the image's labels, sorted and unique (``Sample/labels``).
    ///   - predicted: the model's top-1 class on the image.
    ///   - truthArea: the number of ground-truth pixels of one class at the map size; called only by
    ///     ``largestObject`` and only when the image has more than one label.
    package func choose(
        among labels: [Int], predicted: Int, truthArea: (Int) throws -> Int
    ) rethrows -> Choice? {
        guard let smallest = labels.first else { return nil }
        let targetLabel = labels.contains(predicted) ? predicted : smallest
        switch self {
        case .targetClass:
            return Choice(label: targetLabel, truthClasses: [targetLabel])
        case .everyLabel:
            return Choice(label: targetLabel, truthClasses: labels)
        case .largestObject:
            guard labels.count > 1 else { return Choice(label: smallest, truthClasses: [smallest]) }
            var largest = (label: smallest, area: try truthArea(smallest))
            for label in labels.dropFirst() {
                let area = try truthArea(label)
                // Strictly larger only: labels are sorted, so a tie keeps the smaller index.
                if area > largest.area { largest = (label, area) }
            }
            return Choice(label: largest.label, truthClasses: [largest.label])
        }
    }
}
