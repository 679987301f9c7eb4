import Tensor

extension ViTModel {
    /// Chefer et al.'s LRP relevances for image `batchIndex` of `trace` and class `classIndex`: `[H, N, N]` at
    /// every block's attention, `[N, D]` at every block's input and, with `toPixels`, `[C, S, S]` at the pixels.
    ///
    /// `trace` must come from this model's `forward`; the pass reads only its input pixels and runs its own
    /// float64 forward (``LRPForward``), so the relevances are those of Chefer's code after `model.double()` and
    /// do not depend on the CPU's BLAS kernel. Relevance starts as the one-hot `e_c` at the logits (the
    /// pre-softmax logit, as `ViT_explanation_generator.LRP.generate_LRP` seeds it) and follows methods.md §2.4
    /// with the chosen rule set: `.ours` for transformer attribution, `.original` for full and partial LRP.
    /// `finalNorm` picks the final LayerNorm's epsilon; `budgetBytes` is the memory the pass may keep every
    /// block's float64 activations in (``LRPForward/keptBytes(config:)``), else it recomputes each block.
    public func relevance(
        _ trace: ViTTrace, batchIndex: Int, classIndex: Int, rules: LRPRules, toPixels: Bool,
        finalNorm: LRPFinalNorm = .model, budgetBytes: Int = Int.max
    ) -> LRPRelevance {
        relevance(
            trace.input, batchIndex: batchIndex, classIndex: classIndex, rules: rules, toPixels: toPixels,
            finalNorm: finalNorm, budgetBytes: budgetBytes)
    }

    /// ``relevance(_:batchIndex:classIndex:rules:toPixels:finalNorm:budgetBytes:)`` of image `batchIndex` of
    /// `input` `[B, C, S, S]` (normalised pixels), without a float32 trace.
    public func relevance(
        _ input: Tensor, batchIndex: Int = 0, classIndex: Int, rules: LRPRules, toPixels: Bool,
        finalNorm: LRPFinalNorm = .model, budgetBytes: Int = Int.max
    ) -> LRPRelevance {
        let forward = lrpForward(input, batchIndex: batchIndex, finalNorm: finalNorm, budgetBytes: budgetBytes)
        return relevance(forward, classIndex: classIndex, rules: rules, toPixels: toPixels)
    }

    /// The float64 forward of image `batchIndex` of `input` `[B, C, S, S]` that the LRP pass reads, keeping the
    /// activations of the last blocks that fit `budgetBytes` (``LRPForward``); one serves both rule sets.
    package func lrpForward(
        _ input: Tensor, batchIndex: Int = 0, finalNorm: LRPFinalNorm = .model, budgetBytes: Int = Int.max
    ) -> LRPForward {
        let batch = checkInput(input)
        precondition(batchIndex >= 0 && batchIndex < batch, "LRP: image \(batchIndex) of a batch of \(batch)")
        let pixelCount = config.channels * config.imageSize * config.imageSize
        return input.withPointer { pixels in
            LRPForward(
                weights: weights, image: pixels + batchIndex * pixelCount,
                finalNormEpsilon: finalNorm.epsilon(for: config), budgetBytes: budgetBytes)
        }
    }

    /// The LRP relevances of the image of `forward` (made by ``lrpForward(_:batchIndex:finalNorm:budgetBytes:)``
    /// of this model) for `classIndex`.
    package func relevance(_ forward: LRPForward, classIndex: Int, rules: LRPRules, toPixels: Bool) -> LRPRelevance {
        LRPRelevance(weights: weights, forward: forward, classIndex: classIndex, rules: rules, toPixels: toPixels)
    }
}
