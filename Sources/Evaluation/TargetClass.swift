/// Which class a map explains, or which class a perturbation score reads.
///
/// Protocols differ (methods.md §7.4): AG-CAM localization and Chefer's segmentation test explain the predicted
/// (top-1) class, AG-CAM's ABPC and wsolevaluation explain the ground-truth label, RISE scores the class
/// predicted on the unperturbed image.
public enum TargetClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// The dataset label of the image (for multi-label images: the class the protocol picked as target).
    case label
    /// The model's top-1 class on the unperturbed image.
    case predicted
}
