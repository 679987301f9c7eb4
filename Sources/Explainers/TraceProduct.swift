import ViT

/// One expensive product of the engine that an explanation method reads; ``ExplanationContext`` computes each
/// at most once per (image, target class), however many methods ask for it.
public enum TraceProduct: Hashable, Sendable, CustomStringConvertible {
    /// One forward pass recording every block's scores `S` and attention `A` (``ViTTrace``).
    case forward
    /// One backward pass of the target's logit or probability, in the model's own graph or AG-CAM's detached
    /// one: `∂y/∂A`, `∂y/∂S` per block and `∂y/∂x` at the input (``ViTGradients``).
    case gradients(BackwardTarget, BackwardMode)
    /// One LRP relevance pass with Chefer's rule set, optionally carried down to the pixels, with the final
    /// LayerNorm's epsilon of `finalNorm` (``LRPRelevance``; the pass runs its own float64 forward).
    case relevance(LRPRules, toPixels: Bool, finalNorm: LRPFinalNorm = .model)
    /// A batch of extra forward + backward passes on scaled or noisy copies of the input (integrated
    /// gradients, SmoothGrad, TAM and Beyond-Intuition's integrated attention gradients), named by what it
    /// integrates; the count is the number of images in the batch.
    case batchedGradients(String, images: Int)

    public var description: String {
        switch self {
        case .forward: "forward"
        case .gradients(let target, let mode):
            "backward(\(target == .logit ? "logit" : "probability")\(mode == .standard ? "" : ", detached"))"
        case .relevance(let rules, let toPixels, let finalNorm):
            "lrp(\(rules.rawValue)\(toPixels ? ", pixels" : "")\(finalNorm == .model ? "" : ", final eps 1e-5"))"
        case .batchedGradients(let name, let images): "\(name) x\(images)"
        }
    }
}
