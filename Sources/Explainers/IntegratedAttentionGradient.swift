import Tensor
import ViT

/// The integrated gradient at the last block's attention that TAM and Beyond Intuition share (methods.md §5.1,
/// §5.2): for `α ∈ linspace(0, 1, steps)` (numpy's, both ends included), the gradient of the target at the last
/// block's post-softmax attention for the input `α · x` (normalised space, so the baseline is the zero image),
/// summed over `α` in order and divided by `steps`: `[H, N, N]`.
///
/// The steps run as extra batched passes in chunks of ``chunk`` images (``BatchedPasses``: one forward and one
/// backward with the target class each). The context memoises the result under `ig-attention:<steps>:<logit|probability>`, so TAM,
/// BT-H and BT-C pay once.
package enum IntegratedAttentionGradient {
    /// `steps=20`, the official integral of TAM and Beyond Intuition, declared once for the three methods.
    package static let steps = MethodOption("steps", default: 20, in: 1...1000, help: "integration steps")

    /// The `[H, N, N]` mean over the steps of the last block's attention gradient.
    package static func lastBlock(_ context: ExplanationContext, steps: Int, gradientOf: GradientOf) -> Tensor {
        context.batched(name(steps: steps, gradientOf: gradientOf), images: steps) { model, input, targetClass in
            compute(model: model, input: input, targetClass: targetClass, steps: steps, gradientOf: gradientOf)
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

    /// Images per forward + backward chunk: the steps' traces are never all held at once (20 steps of
    /// ViT-B/16 in one batch peak near 4.8 GB; chunks of 2 near 1 GB, at the same speed).
    static let chunk = SharedMethodOptions.batch.defaultValue

    static func compute(model: ViTModel, input: Tensor, targetClass: Int, steps: Int, gradientOf: GradientOf)
        -> Tensor
    {
        let config = model.config
        let plane = config.heads * config.tokens * config.tokens
        let alphas = alphas(steps: steps)
        var total = [Float](repeating: 0, count: plane)
        BatchedPasses.run(
            model: model, images: steps, chunk: chunk, targetClass: targetClass, target: gradientOf.backwardTarget,
            fill: { step, pixels in
                let scale = Float(alphas[step])
                for position in pixels.indices { pixels[position] = input.storage[position] * scale }
            },
            consume: { _, count, gradients in
                // Summed step by step in order, as one batch would be.
                guard let last = gradients.blocks.last?.attention else { return }
                for offset in 0..<count {
                    for index in 0..<plane { total[index] += last.storage[offset * plane + index] }
                }
            })
        for index in 0..<plane { total[index] /= Float(steps) }
        return Tensor(shape: [config.heads, config.tokens, config.tokens], storage: total)
    }

    /// `clamp(mean_steps ∇A_L, min 0).mean(heads)`, `[N, N]`: the "W_state" of TAM and Beyond Intuition.
    package static func weights(_ context: ExplanationContext, steps: Int, gradientOf: GradientOf) -> Tensor {
        PatchGrid.headMean(TokenMatrix.clampedAtZero(lastBlock(context, steps: steps, gradientOf: gradientOf)))
    }
}
