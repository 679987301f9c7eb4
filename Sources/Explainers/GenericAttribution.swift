import Tensor
import ViT

/// Generic Attention-model Explainability (GAE; Chefer et al., ICCV 2021) for ViT, as the official notebook
/// (`Transformer_MM_explainability_ViT.ipynb`) computes it (methods.md §3): `R = I`; for every block
/// `Ā_l = mean_h clamp(∇A_l ⊙ A_l, min 0)` and `R ← R + Ā_l · R`; map = CLS row, patch columns of `R`, `[g, g]`.
/// No start layer, no normalisation. Needs forward + backward.
///
/// `grad=probability` differentiates the softmax probability (InterpretDL's default for its GA variant, which also
/// averages heads before the product and starts at block 3: that variant is not this method).
package struct GenericAttribution: ExplanationMethod {
    package let id: String
    package let gradientOf: GradientOf

    package static let descriptor = MethodDescriptor(
        id: "gae",
        summary: "Generic attention explainability: R += mean_h relu(grad * attention) · R over every block",
        citation: "Chefer et al., ICCV 2021 (hila-chefer/Transformer-MM-Explainability, ViT notebook)",
        passes: "forward + backward",
        options: [SharedMethodOptions.grad],
        isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        GenericAttribution(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(gradientOf.backwardTarget, .standard)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let gradients = context.gradients(target: gradientOf.backwardTarget)
        var relevance = TokenMatrix.identity(context.config.tokens)
        for (block, blockGradients) in zip(context.trace.blocks, gradients.blocks) {
            let weighted = TokenMatrix.clampedHeadMean(blockGradients.attention, block.attention)
            relevance = TokenMatrix.accumulate(relevance, weighted)
        }
        return PatchGrid.clsRow(of: relevance, config: context.config)
    }
}
