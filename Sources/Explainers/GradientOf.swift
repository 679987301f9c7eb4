import ViT

/// The scalar a gradient method differentiates, as a method option (`grad=logit` or `grad=probability`).
///
/// Chefer, GAE, AG-CAM, TAM and Beyond-Intuition's official codes use the logit; InterpretDL's interpreters
/// default to the softmax probability (methods.md §7.7).
public enum GradientOf: String, Sendable, CaseIterable {
    case logit
    case probability

    /// The engine's backward target.
    public var backwardTarget: BackwardTarget {
        switch self {
        case .logit: .logit
        case .probability: .probability
        }
    }
}
