import Tensor

extension ViTModel {
    /// Chefer et al.'s LRP relevances for image `batchIndex` of `trace` and class `classIndex`: `[H, N, N]` at
    /// every block's attention, `[N, D]` at every block's input and, with `toPixels`, `[C, S, S]` at the pixels.
    ///
    /// `trace` must come from this model's `forward`. Relevance starts as the one-hot `e_c` at the logits (the
    /// pre-softmax logit, as `ViT_explanation_generator.LRP.generate_LRP` seeds it) and follows methods.md §2.4
    /// with the chosen rule set: `.ours` for transformer attribution, `.original` for full and partial LRP. The
    /// cost is about four times the forward's GEMM work (two GEMMs each way per Linear, for the sign split).
    public func relevance(
        _ trace: ViTTrace, batchIndex: Int, classIndex: Int, rules: LRPRules, toPixels: Bool
    ) -> LRPRelevance {
        LRPRelevance(
            weights: weights, trace: trace, batchIndex: batchIndex, classIndex: classIndex, rules: rules,
            toPixels: toPixels)
    }
}
