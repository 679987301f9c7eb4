import Tensor
import ViT

/// Partial LRP as Chefer et al.'s `generate_LRP(method="last_layer")` on `ViT_orig_LRP` computes it (methods.md
/// §2.5): the orig-rules relevance at the last block's post-softmax attention (already halved by the `A·V` rule)
/// → clamp at 0 → mean over heads → CLS row, patch columns, `[g, g]`. The `--is-ablation` variant (times the
/// gradient) is off, as in their evaluations. Needs one LRP pass with the orig rules (its own float64 forward).
///
/// In `all`, list it after `lrp`: a pixel-level orig pass serves this method too, so the pair costs one pass.
package struct PartialLRP: ExplanationMethod {
    package let id: String
    package let finalNorm: LRPFinalNorm

    package static let descriptor = MethodDescriptor(
        id: "partial-lrp",
        summary: "LRP relevance (orig rules) at the last block's attention, head mean, CLS row",
        citation: "Voita et al. 2019 / Chefer et al., CVPR 2021, baseline lrp_last_layer (ViT_orig_LRP)",
        passes: "forward + LRP (orig)",
        options: [SharedMethodOptions.finalNorm], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        PartialLRP(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        finalNorm = options[SharedMethodOptions.finalNorm]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.relevance(.original, toPixels: false, finalNorm: finalNorm)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        guard let last = context.relevance(rules: .original, finalNorm: finalNorm).attention.last else {
            throw .unsupportedModel(method: id, reason: "the model has no blocks")
        }
        let mean = PatchGrid.headMean(TokenMatrix.clampedAtZero(last))
        return PatchGrid.clsRow(of: mean, config: context.config)
    }
}
