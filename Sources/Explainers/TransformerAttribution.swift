import Tensor
import ViT

/// Transformer attribution (Chefer et al., CVPR 2021) as `generate_LRP(method="transformer_attribution")` on
/// `ViT_LRP` computes it (methods.md §2.5): per block `Ā_l = mean_h clamp(∇A_l ⊙ R_A_l, min 0)` with `∇A_l` the
/// gradient at the post-softmax attention and `R_A_l` its relevance under the "ours" rules (`layers_ours.py`);
/// rollout without row normalisation, `joint = Ā_s + I`, then `joint = (Ā_l + I) · joint` for `l > s`; map = CLS
/// row, patch columns, `[g, g]`. Needs a backward of the forward and one LRP pass with the ours rules (which runs its own float64 forward).
///
/// `start=` is the 0-based first block. The default 1 is what Chefer's evaluation scripts pass
/// (`generate_visualizations.py`, `imagenet_seg_eval.py`); 0 is the function's default, the demo notebook's, and
/// the AG-CAM repo's LRP baseline (bit-identical to this with start 0, methods.md §8). `grad=probability` takes the
/// gradient of the probability (the relevance always starts from the one-hot class, as in the code).
package struct TransformerAttribution: ExplanationMethod {
    package let id: String
    package let startLayer: Int
    package let gradientOf: GradientOf
    package let finalNorm: LRPFinalNorm

    package static let start = SharedMethodOptions.start(
        default: 1, help: "0-based first block (1 = Chefer's evaluations; 0 = function default and AG-CAM's baseline)")

    package static let descriptor = MethodDescriptor(
        id: "transformer-attribution",
        summary: "Gradient-weighted LRP attention relevance (ours rules), rolled out over blocks",
        citation: "Chefer et al., CVPR 2021, transformer_attribution (hila-chefer/Transformer-Explainability)",
        passes: "forward + backward + LRP (ours)",
        options: [start, SharedMethodOptions.grad, SharedMethodOptions.finalNorm], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        TransformerAttribution(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        startLayer = options[Self.start]
        gradientOf = options[SharedMethodOptions.grad]
        finalNorm = options[SharedMethodOptions.finalNorm]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.gradients(gradientOf.backwardTarget, .standard), .relevance(.ours, toPixels: false, finalNorm: finalNorm)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let depth = context.config.depth
        guard startLayer < depth else {
            throw .unsupportedModel(method: id, reason: "start layer \(startLayer) is outside 0..<\(depth)")
        }
        let gradients = context.gradients(target: gradientOf.backwardTarget)
        let relevance = context.relevance(rules: .ours, finalNorm: finalNorm)
        var joint: Tensor?
        for block in startLayer..<depth {
            let weighted = TokenMatrix.plusIdentity(
                TokenMatrix.clampedHeadMean(gradients.blocks[block].attention, relevance.attention[block]))
            joint = joint.map { TokenMatrix.product(weighted, $0) } ?? weighted
        }
        guard let joint else { throw .unsupportedModel(method: id, reason: "the model has no blocks") }
        return PatchGrid.clsRow(of: joint, config: context.config)
    }
}
