import ScoreMaps
import Tensor
import ViT

/// Grad-CAM for ViT as Chefer et al.'s `Baselines.generate_cam_attn` computes it (methods.md §2.3): last block's
/// post-softmax attention `A` and its gradient `G = ∂y_c/∂A`, CLS row and patch columns (`[H, P]`); head weights
/// `w_h = mean_p G_h[p]`; map `[g, g]` = `clamp(mean_h A_h · w_h, min 0)`. Needs forward + backward.
///
/// The map is what the code computes before its min-max step. When every value clamps to 0 the reference's
/// min-max gives NaN (methods.md §8); here the grid is all zeros and ``MinMaxNormalization`` reports it as
/// ``MapCondition/constant``. `grad=probability` differentiates the softmax probability instead of the logit.
public struct AttentionGradCAM: ExplanationMethod {
    public let id: String
    public let gradientOf: GradientOf

    public init(gradientOf: GradientOf = .logit) {
        self.gradientOf = gradientOf
        id = MethodID.make("gradcam", [("grad", gradientOf.rawValue, gradientOf == .logit)])
    }

    public static let descriptor = MethodDescriptor(
        id: "gradcam",
        summary: "Grad-CAM on the last block's CLS attention, head weights = mean attention gradient",
        citation: "Chefer et al., CVPR 2021, baseline attn_gradcam (hila-chefer/Transformer-Explainability)",
        passes: "forward + backward",
        options: ["grad=logit: differentiate the logit or the probability"],
        isClassSpecific: true
    ) { (options: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        AttentionGradCAM(gradientOf: try options.gradientOf())
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(gradientOf.backwardTarget, .standard)]
    }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        guard let block = context.trace.blocks.last else {
            throw .unsupportedModel(method: id, reason: "the model has no blocks")
        }
        let gradient = context.gradients(target: gradientOf.backwardTarget).blocks[config.depth - 1].attention
        let attention = block.attention
        let tokens = config.tokens
        let prefix = config.prefixTokens
        let patches = config.patchCount
        var map = [Float](repeating: 0, count: patches)
        for head in 0..<config.heads {
            let rowStart = head * tokens * tokens  // row 0 (CLS) of this head
            var weight: Float = 0
            for patch in 0..<patches { weight += gradient.storage[rowStart + prefix + patch] }
            weight /= Float(patches)
            for patch in 0..<patches { map[patch] += attention.storage[rowStart + prefix + patch] * weight }
        }
        for patch in 0..<patches { map[patch] = max(map[patch] / Float(config.heads), 0) }
        return Heatmap(values: map, height: config.gridSize, width: config.gridSize)
    }
}
