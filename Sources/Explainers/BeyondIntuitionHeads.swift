import Tensor
import ViT

/// Beyond Intuition, head-wise ("Ours-H"; Chen et al., TMLR 2023) as the official
/// `jiaminchen-1031/transformerinterp/ViT/baselines/ViT/ViT_explanation_generator.py::generate_ours` computes it
/// (methods.md §5.2): `R = I`; for blocks `nb ≥ start − 1` (0-based) the head importances
/// `I_h = mean_ij |A_hᵀ · ∇A_h|` (gradient of the target at the real input), normalised to sum 1,
/// `Ā = Σ_h I_h A_h` and `R ← R + Ā · R`; the reasoning feedback `W = clamp(mean over 20 steps of ∇A_L at α · x,
/// min 0)` head-mean (``IntegratedAttentionGradient``); map = `(W ⊙ R)` CLS row, patch columns, `[g, g]`.
/// Needs forward + backward + the shared integrated-gradient batch.
///
/// `start=4` is the function's default and what the authors' scripts pass (`nb < start_layer − 1` skips blocks
/// 0–2, so blocks 3.. are used; InterpretDL's `start_layer=3` with `i < start_layer` is the same set). A start
/// beyond the depth leaves `R = I`, as the code's loop does.
package struct BeyondIntuitionHeads: ExplanationMethod {
    package let id: String
    package let startLayer: Int
    package let steps: Int
    package let gradientOf: GradientOf

    package static let start = SharedMethodOptions.start(
        default: 4, help: "the code's start_layer (blocks start-1.. are used, 0-based)")

    package static let descriptor = MethodDescriptor(
        id: "bt-h",
        summary: "Beyond Intuition (head-wise): importance-weighted attention rollout x integrated attention gradient",
        citation: "Chen et al., Beyond Intuition, TMLR 2023 (jiaminchen-1031/transformerinterp, generate_ours)",
        passes: "forward + backward + integrated-gradient batch (steps images)",
        options: [start, IntegratedAttentionGradient.steps, SharedMethodOptions.grad], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        BeyondIntuitionHeads(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        startLayer = options[Self.start]
        steps = options[IntegratedAttentionGradient.steps]
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [
            .forward, .gradients(gradientOf.backwardTarget, .standard),
            IntegratedAttentionGradient.product(steps: steps, gradientOf: gradientOf),
        ]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let tokens = config.tokens
        let heads = config.heads
        let plane = tokens * tokens
        let gradients = context.gradients(target: gradientOf.backwardTarget)
        var relevance = TokenMatrix.identity(tokens)
        let first = max(startLayer - 1, 0)
        for block in first..<max(config.depth, first) {
            let attention = context.trace.blocks[block].attention
            let gradient = gradients.blocks[block].attention
            var importance = [Float](repeating: 0, count: heads)
            var product = [Float](repeating: 0, count: plane)
            for head in 0..<heads {
                attention.storage.withUnsafeBufferPointer { attention in
                    gradient.storage.withUnsafeBufferPointer { gradient in
                        product.withUnsafeMutableBufferPointer { product in
                            guard let a = attention.baseAddress, let g = gradient.baseAddress,
                                let c = product.baseAddress
                            else { return }
                            // A_hᵀ · ∇A_h
                            BLAS.gemm(
                                transposeA: true, m: tokens, n: tokens, k: tokens, a: a + head * plane, lda: tokens,
                                b: g + head * plane, ldb: tokens, c: c, ldc: tokens)
                        }
                    }
                }
                importance[head] = product.reduce(0) { $0 + abs($1) } / Float(plane)
            }
            let total = importance.reduce(0, +)
            var mixed = Tensor(zeros: [tokens, tokens])
            for head in 0..<heads {
                let weight = importance[head] / total
                for index in 0..<plane { mixed.storage[index] += weight * attention.storage[head * plane + index] }
            }
            relevance = TokenMatrix.accumulate(relevance, mixed)
        }
        let weights = IntegratedAttentionGradient.weights(context, steps: steps, gradientOf: gradientOf)
        let row = (0..<tokens).map { weights.storage[$0] * relevance.storage[$0] }
        return PatchGrid.patches(of: row, config: config)
    }
}
