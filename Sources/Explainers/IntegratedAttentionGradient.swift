import Tensor
import ViT

/// The integrated gradient at the last block's attention that TAM and Beyond Intuition share (methods.md §5.1,
/// §5.2): for `α ∈ linspace(0, 1, steps)` (numpy's, both ends included), the gradient of the target at the last
/// block's post-softmax attention for the input `α · x` (normalised space, so the baseline is the zero image),
/// summed over `α` in order and divided by `steps`: `[H, N, N]`.
///
/// All steps run as one batch: one forward of `steps` images and one backward with the target class for each.
/// The context memoises it under `ig-attention:<steps>:<logit|probability>`, so TAM, BT-H and BT-C pay once.
/// For ViT-B/16 and 20 steps the batch's trace and gradients take about 4 GB.
package enum IntegratedAttentionGradient {
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

    static func compute(model: ViTModel, input: Tensor, targetClass: Int, steps: Int, gradientOf: GradientOf)
        -> Tensor
    {
        let size = input.count
        var batch = Tensor(zeros: [steps] + Array(input.shape.dropFirst()))
        for (index, alpha) in alphas(steps: steps).enumerated() {
            let scale = Float(alpha)
            for position in 0..<size { batch.storage[index * size + position] = input.storage[position] * scale }
        }
        let trace = model.forward(batch)
        let gradients = model.backward(
            trace, classes: Array(repeating: targetClass, count: steps), target: gradientOf.backwardTarget)
        let config = model.config
        let plane = config.heads * config.tokens * config.tokens
        var total = [Float](repeating: 0, count: plane)
        if let last = gradients.blocks.last?.attention {
            for step in 0..<steps {
                for index in 0..<plane { total[index] += last.storage[step * plane + index] }
            }
        }
        for index in 0..<plane { total[index] /= Float(steps) }
        return Tensor(shape: [config.heads, config.tokens, config.tokens], storage: total)
    }

    /// `clamp(mean_steps ∇A_L, min 0).mean(heads)`, `[N, N]`: the "W_state" of TAM and Beyond Intuition.
    package static func weights(_ context: ExplanationContext, steps: Int, gradientOf: GradientOf) -> Tensor {
        PatchGrid.headMean(TokenMatrix.clampedAtZero(lastBlock(context, steps: steps, gradientOf: gradientOf)))
    }
}
