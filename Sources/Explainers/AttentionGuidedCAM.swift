import Foundation
import Tensor
import ViT

/// Attention-Guided CAM (AG-CAM; Leem & Seo, AAAI 2024) as the official `Methods/AGCAM/AGCAM.py` computes it
/// (methods.md §1.1, §8): a backward in the AG-CAM model's graph, where every attention block's q/k/v input is
/// detached (``BackwardMode/detachedAttentionInputs``), gives `G_l = ∂y_c/∂A_l` at the post-softmax attention; the
/// normal forward gives the pre-softmax scores `S_l`. Per block and head, on the CLS row and patch columns:
/// `sigmoid(S_l,h) ⊙ ReLU(G_l,h)`, summed over heads and over all blocks (no start layer), `[g, g]`.
/// Needs forward + detached backward.
///
/// The standard backward's gradient gives a different map (up to 0.65 of a [0, 1] map apart, methods.md §8).
/// `grad=probability` differentiates the probability (the code uses the logit).
package struct AttentionGuidedCAM: ExplanationMethod {
    package let id: String
    package let gradientOf: GradientOf

    package static let descriptor = MethodDescriptor(
        id: "agc",
        summary: "AG-CAM: sigmoid(CLS pre-softmax scores) x ReLU(detached attention gradient), heads and blocks summed",
        citation: "Leem & Seo, AAAI 2024 (LeemSaebom/Attention-Guided-CAM-...-Self-Attention, Methods/AGCAM)",
        passes: "forward + detached backward",
        options: [SharedMethodOptions.grad],
        isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        AttentionGuidedCAM(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(gradientOf.backwardTarget, .detachedAttentionInputs)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let gradients = context.gradients(target: gradientOf.backwardTarget, mode: .detachedAttentionInputs)
        let tokens = config.tokens
        let prefix = config.prefixTokens
        let patches = config.patchCount
        var map = [Float](repeating: 0, count: patches)
        for (block, blockGradients) in zip(context.trace.blocks, gradients.blocks) {
            var blockSum = [Float](repeating: 0, count: patches)
            for head in 0..<config.heads {
                let rowStart = head * tokens * tokens  // row 0 (CLS) of this head
                for patch in 0..<patches {
                    let score = block.scores.storage[rowStart + prefix + patch]
                    let gradient = blockGradients.attention.storage[rowStart + prefix + patch]
                    blockSum[patch] += max(gradient, 0) / (1 + exp(-score))
                }
            }
            for patch in 0..<patches { map[patch] += blockSum[patch] }
        }
        return Heatmap(values: map, height: config.gridSize, width: config.gridSize)
    }
}
