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

    /// `batch=`: images per forward + backward chunk of the batched input-gradient passes (IG, SmoothGrad). It
    /// bounds memory and leaves the map unchanged, so it is not part of the id.
    ///
    /// The default 2: on ViT-B/16 a chunk of 2 is as fast as one of 8 (29 s against 31 s for 50 IG steps) and
    /// holds ~1 GB instead of 2.35 GB, since each image's trace and gradients take ~210 MB. The attention
    /// integral of TAM and BT uses the same chunk (``IntegratedAttentionGradient``).
    package static let batch = MethodOption(
        "batch", default: 2, in: 1...1024,
        help: "images per forward + backward chunk (memory only; the map does not change)", isInID: false)
}
