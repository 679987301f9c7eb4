/// The scalar a backward pass differentiates, per image `b` with its class `c = classes[b]`.
public enum BackwardTarget: Sendable, Equatable {
    /// The raw logit `logits[b, c]` (what AG-CAM, Chefer's Grad-CAM and most gradient methods use: methods.md §0).
    case logit
    /// The softmax probability `softmax(logits[b])[c]`.
    case probability
}
