import Foundation
import Tensor
import ViT

/// Beyond Intuition, token-wise ("Ours-C"; Chen et al., TMLR 2023) as the official
/// `jiaminchen-1031/transformerinterp/ViT/baselines/ViT/ViT_explanation_generator.py::generate_ours_c` computes it
/// (methods.md §5.2): `R = I`; for blocks `nb ≥ start − 1` (0-based) the per-token norm ratio
/// `o_j = ‖v_j · W_projᵀ‖ / ‖z_j‖` (the value vectors, heads concatenated, through `attn.proj`'s weight without
/// bias, over the block's input token `z_j`, before `norm1`), `R ← R + (Ā · diag(o)) · R` with `Ā` the head-mean
/// attention; the reasoning feedback `W` as in BT-H (``IntegratedAttentionGradient``); map = `(W ⊙ |R|)` CLS row,
/// patch columns, `[g, g]`. Needs forward + the shared integrated-gradient batch.
///
/// `start=7` (default) is what the authors' `generate_visualizations.py` passes for `ours_c`, so the paper's
/// numbers use it (blocks 6.. on ViT-B); `start=6` is the function's own default (blocks 5..). A start beyond the
/// depth leaves `R = I`, as the code's loop does.
package struct BeyondIntuitionTokens: ExplanationMethod {
    package let id: String
    package let startLayer: Int
    package let steps: Int
    package let gradientOf: GradientOf

    package static let start = SharedMethodOptions.start(
        default: 7,
        help: "the code's start_layer (7 = authors' evaluation script, 6 = function default; blocks start-1..)")

    package static let descriptor = MethodDescriptor(
        id: "bt-c",
        summary: "Beyond Intuition (token-wise): norm-ratio weighted attention rollout x integrated attention gradient",
        citation: "Chen et al., Beyond Intuition, TMLR 2023 (jiaminchen-1031/transformerinterp, generate_ours_c)",
        passes: "forward + integrated-gradient batch (steps images)",
        options: [start, IntegratedAttentionGradient.steps, SharedMethodOptions.grad], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        BeyondIntuitionTokens(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        startLayer = options[Self.start]
        steps = options[IntegratedAttentionGradient.steps]
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, IntegratedAttentionGradient.product(steps: steps, gradientOf: gradientOf)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let tokens = config.tokens
        let width = config.embedDim
        let headWidth = config.headDim
        var relevance = TokenMatrix.identity(tokens)
        let first = max(startLayer - 1, 0)
        if first < config.depth {
            for block in first..<config.depth {
                let trace = context.trace.blocks[block]
                // v with heads concatenated, [N, H·d] ('b h n d -> b n (h d)'), then · W_projᵀ.
                var values = Tensor(zeros: [tokens, width])
                for head in 0..<config.heads {
                    for token in 0..<tokens {
                        for column in 0..<headWidth {
                            values.storage[token * width + head * headWidth + column] =
                                trace.value.storage[(head * tokens + token) * headWidth + column]
                        }
                    }
                }
                let projected = Tensor.matmul(
                    values, context.model.weights.blocks[block].projWeight, transposeRight: true)
                var ratio = [Float](repeating: 0, count: tokens)
                for token in 0..<tokens {
                    var projectedNorm: Float = 0
                    var inputNorm: Float = 0
                    for column in 0..<width {
                        let p = projected.storage[token * width + column]
                        let z = trace.input.storage[token * width + column]
                        projectedNorm += p * p
                        inputNorm += z * z
                    }
                    ratio[token] = projectedNorm.squareRoot() / inputNorm.squareRoot()
                }
                var scaled = PatchGrid.headMean(trace.attention)
                for row in 0..<tokens {
                    for column in 0..<tokens { scaled.storage[row * tokens + column] *= ratio[column] }
                }
                relevance = TokenMatrix.accumulate(relevance, scaled)
            }
        }
        let weights = IntegratedAttentionGradient.weights(context, steps: steps, gradientOf: gradientOf)
        let row = (0..<tokens).map { weights.storage[$0] * abs(relevance.storage[$0]) }
        return PatchGrid.patches(of: row, config: config)
    }
}
