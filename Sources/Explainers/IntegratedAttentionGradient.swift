import Tensor
import ViT

/// The integrated gradient at the last block's attention that TAM and Beyond Intuition share (methods.md §5.1,
/// §5.2): for `α ∈ linspace(0, 1, steps)` (numpy's, both ends included), the gradient of the target at the last
/// block's post-softmax attention for the input `α · x` (normalised space, so the baseline is the zero image),
/// summed over `α` in order and divided by `steps`: `[H, N, N]`.
///
/// The steps run as extra batched lean passes (``ViTModel/lastBlockAttentionGradients(_:classes:target:)``: the
/// forward keeps only the last block, the backward is that block's), in chunks that fit the run's memory target
/// (``BatchedPasses/chunk(_:pass:images:context:)``). The context memoises the result under `ig-attention:<steps>:<logit|probability>`, so TAM,
/// BT-H and BT-C pay once.
package enum IntegratedAttentionGradient {
    /// `steps=20`, the official integral of TAM and Beyond Intuition, declared once for the three methods.
    package static let steps = MethodOption("steps", default: 20, in: 1...1000, help: "integration steps")

    /// The `[H, N, N]` mean over the steps of the last block's attention gradient.
    package static func lastBlock(_ context: ExplanationContext, steps: Int, gradientOf: GradientOf) -> Tensor {
        let chunk = BatchedPasses.chunk(.auto, pass: .lastBlockAttentionGradient, images: steps, context: context)
        return context.batched(name(steps: steps, gradientOf: gradientOf), images: steps) {
            model, input, targetClass in
            compute(
                model: model, input: input, targetClass: targetClass, steps: steps, gradientOf: gradientOf,
                chunk: chunk)
        }
    }

    /// The product's name in the context's pass log.
    package static func name(steps: Int, gradientOf: GradientOf) -> String {
        "ig-attention:\(steps):\(gradientOf.rawValue)"
    }

    /// The pass this product is, for ``ExplanationMethod/requiredProducts(for:)``.
    package static func product(steps: Int, gradientOf: GradientOf) -> TraceProduct {
        .batchedGradients(name(steps: steps, gradientOf: gradientOf), images: steps)
    }

    /// numpy's `linspace(0, 1, steps)`: `i * (1 / (steps - 1))` with the last value exactly 1.
    package static func alphas(steps: Int) -> [Double] {
        guard steps > 1 else { return steps == 1 ? [0] : [] }
        let step = 1 / Double(steps - 1)
        return (0..<steps).map { $0 == steps - 1 ? 1 : Double($0) * step }
    }

    static func compute(
        model: ViTModel, input: Tensor, targetClass: Int, steps: Int, gradientOf: GradientOf, chunk: Int
    ) -> Tensor {
        let config = model.config
        let plane = config.heads * config.tokens * config.tokens
        let alphas = alphas(steps: steps)
        var total = [Float](repeating: 0, count: plane)
        BatchedPasses.products(
            model: model, pass: .lastBlockAttentionGradient, images: steps, chunk: chunk, targetClass: targetClass,
            target: gradientOf.backwardTarget,
            fill: { step, pixels in
                let scale = Float(alphas[step])
                for position in pixels.indices { pixels[position] = input.storage[position] * scale }
            },
            consume: { _, gradient in
                // Summed step by step in order, as one batch would be.
                for index in 0..<plane { total[index] += gradient[index] }
            })
        for index in 0..<plane { total[index] /= Float(steps) }
        return Tensor(shape: [config.heads, config.tokens, config.tokens], storage: total)
    }

    /// `clamp(mean_steps ∇A_L, min 0).mean(heads)`, `[N, N]`: the "W_state" of TAM and Beyond Intuition.
    package static func weights(_ context: ExplanationContext, steps: Int, gradientOf: GradientOf) -> Tensor {
        PatchGrid.headMean(TokenMatrix.clampedAtZero(lastBlock(context, steps: steps, gradientOf: gradientOf)))
    }
}
