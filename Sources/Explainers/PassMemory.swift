import ViT

/// The memory a run aims to stay under, and how the batched passes size their chunks to fit it.
///
/// A batched pass (integrated-gradients steps, SmoothGrad samples, the attention integral of TAM and BT) gets
/// what is left of ``targetBytes`` after the model's weights, a fixed ``allowanceBytes`` for the process and the
/// evaluator, and what the image's context holds at that moment (its trace, gradients and relevances); each of
/// its images costs ``ViTConfig/leanPassBytesPerImage(_:)``. The default 700 MiB fits a ViT-B/16 `--methods all`
/// run (343 MB of weights: chunks of 1 to 2 images) and lets the demo model run all 50 steps of integrated
/// gradients as one batch. The chunk never changes a map beyond float32 rounding of the batched products.
public struct PassMemory: Sendable, Equatable {
    /// The whole run's target.
    public var targetBytes: Int
    /// What the process needs beside the model and the passes: runtime, dataset, evaluator, one image's maps.
    public var allowanceBytes: Int

    /// 700 MiB, the run target of a ViT-B/16 run with every method.
    public static let defaultTargetMiB = 700
    /// 130 MiB: a demo run's resident memory without its passes is about 75 MiB, and the per-image estimate leaves
    /// out small transients (a demo run under a 300 MiB target peaked at 317 MiB with 100).
    public static let defaultAllowanceMiB = 130

    public init(targetMiB: Int = Self.defaultTargetMiB, allowanceMiB: Int = Self.defaultAllowanceMiB) {
        targetBytes = targetMiB << 20
        allowanceBytes = allowanceMiB << 20
    }

    /// What is left of the target beside `modelBytes` of weights, the allowance and `heldBytes` (at least 0).
    package func spareBytes(modelBytes: Int, heldBytes: Int) -> Int {
        max(targetBytes - allowanceBytes - modelBytes - heldBytes, 0)
    }

    /// Images per chunk for `images` images of `bytesPerImage` each, beside `modelBytes` of weights and
    /// `heldBytes` already held: the most that fit, at least 1, at most `images`.
    package func chunk(images: Int, bytesPerImage: Int, modelBytes: Int, heldBytes: Int) -> Int {
        let left = spareBytes(modelBytes: modelBytes, heldBytes: heldBytes)
        let fitting = bytesPerImage > 0 ? left / bytesPerImage : images
        return min(max(images, 1), max(fitting, 1))
    }
}
