import Tensor
import ViT

/// Attention rollout (Abnar & Zuidema, ACL 2020) as Chefer et al.'s `Baselines.generate_rollout` computes it
/// (methods.md §2.1, §1.2): per block `Â_l = (Ā_l + I) / rowsum(Ā_l + I)` with `Ā_l` the head mean of the
/// post-softmax attention, `joint = Â_s`, then `joint = Â_l · joint` for `l = s+1 ..< L`; map = CLS row, patch
/// columns of `joint`, `[g, g]`. Needs one forward. Not class-specific.
///
/// `start=` is the 0-based first block `s`. The default 0 uses every block: the AG-CAM repo's rollout baseline
/// (jacobgil/vit-explain with discard ratio 0; its `(Ā + I) / 2` then a no-op division equals the row
/// normalisation up to rounding). Chefer's evaluation scripts (`generate_visualizations.py`,
/// `imagenet_seg_eval.py`) pass `start_layer=1`: use `rollout:start=1` to reproduce their tables.
package struct Rollout: ExplanationMethod {
    package let id: String
    /// The 0-based first block of the product.
    package let startLayer: Int

    package static let start = SharedMethodOptions.start(
        default: 0, help: "0-based first block (0 = all blocks, AG-CAM's baseline; 1 = Chefer's evaluations)")

    package static let descriptor = MethodDescriptor(
        id: "rollout",
        summary: "Attention rollout: product of row-normalised (head-mean attention + I) over blocks",
        citation: "Abnar & Zuidema, ACL 2020; code of Chefer et al. CVPR 2021 (generate_rollout) and AG-CAM's baseline",
        passes: "forward", options: [start], isClassSpecific: false
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        Rollout(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        startLayer = options[Self.start]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [.forward] }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let depth = context.config.depth
        guard startLayer < depth else {
            throw .unsupportedModel(method: id, reason: "start layer \(startLayer) is outside 0..<\(depth)")
        }
        var joint: Tensor?
        for block in context.trace.blocks[startLayer...] {
            let augmented = TokenMatrix.rowNormalized(TokenMatrix.plusIdentity(PatchGrid.headMean(block.attention)))
            joint = joint.map { TokenMatrix.product(augmented, $0) } ?? augmented
        }
        guard let joint else { throw .unsupportedModel(method: id, reason: "the model has no blocks") }
        return PatchGrid.clsRow(of: joint, config: context.config)
    }
}
