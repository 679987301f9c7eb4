import ViT

/// The options several methods declare alike, declared here once.
package enum SharedMethodOptions {
    /// `grad=logit|probability`: the scalar a gradient method differentiates (default: the logit, as every official
    /// code).
    package static let grad = MethodOption(
        "grad", default: GradientOf.logit, help: "differentiate the logit or the probability")

    /// A `start=` option: a 0-based block index, checked against the model's depth when the method runs (a model
    /// is not known when options are parsed).
    package static func start(default defaultValue: Int, help: String) -> MethodOption<Int> {
        MethodOption("start", default: defaultValue, in: 0...10_000, help: help)
    }

    /// `final-eps=model|chefer`: the final LayerNorm's epsilon in the LRP pass's forward: the checkpoint's own
    /// (timm 1e-6, the default: the model as it classifies) or 1e-5, as Chefer's `ViT_LRP.py` and
    /// `ViT_orig_LRP.py` build it (``LRPFinalNorm``). Transformer attribution's gradient always comes from the
    /// model's own forward.
    package static let finalNorm = MethodOption(
        "final-eps", default: LRPFinalNorm.model,
        help: "final LayerNorm epsilon of the LRP pass: model (the checkpoint's, timm 1e-6) or chefer (1e-5)")

    /// `batch=`: images per forward + backward chunk of the batched passes (IG, SmoothGrad, the attention integral
    /// of TAM and BT). `auto` (the default) sizes chunks by the run's memory target (``PassMemory``); a number fixes
    /// them. It bounds memory and changes the map only by float32 rounding of the batched products, so it is not
    /// part of the id.
    package static let batch = MethodOption(
        "batch", default: ChunkSize.auto, in: 1...4096,
        help: "images per forward + backward chunk: auto (fit the run's --memory target) or a count (memory only)",
        isInID: false)
}

extension LRPFinalNorm: MethodOptionChoice {}
