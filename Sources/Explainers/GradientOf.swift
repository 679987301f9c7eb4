import ViT

/// The scalar a gradient method differentiates, as a method option (`grad=logit` or `grad=probability`).
///
/// Chefer, GAE, AG-CAM, TAM and Beyond-Intuition's official codes use the logit; InterpretDL's interpreters
/// default to the softmax probability (methods.md §7.7).
package enum GradientOf: String, Sendable, CaseIterable, MethodOptionChoice {
    case logit
    case probability

    /// The engine's backward target.
    package var backwardTarget: BackwardTarget {
        switch self {
        case .logit: .logit
        case .probability: .probability
        }
    }
}
