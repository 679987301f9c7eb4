import Tensor
import ViT

/// Raw attention of the last block, Chefer et al.'s `attn_last_layer` baseline (methods.md §2.2).
///
/// `A_L` (post-softmax, the last block unless `block=` says otherwise) → clamp at 0 (a no-op on softmax
/// output, kept as the reference does) → mean over heads → CLS row, patch columns. Needs one forward.
/// Not class-specific.
package struct RawAttention: ExplanationMethod {
    package let id: String
    /// The block whose attention is read: 0-based, or counted from the end when negative (-1 = the last).
    package let block: Int

    package static let blockOption = MethodOption(
        "block", default: -1, in: -10_000...10_000,
        help: "block to read, 0-based; negative counts from the end (-1 = the last block)")

    package static let descriptor = MethodDescriptor(
        id: "raw-attention",
        summary: "Head-averaged CLS attention of the last block",
        citation: "Chefer et al., CVPR 2021, baseline attn_last_layer (hila-chefer/Transformer-Explainability)",
        passes: "forward", options: [blockOption], isClassSpecific: false
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        RawAttention(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        block = options[Self.blockOption]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [.forward] }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let depth = context.config.depth
        let index = block < 0 ? depth + block : block
        guard (0..<depth).contains(index) else {
            throw .unsupportedModel(method: id, reason: "block \(block) is outside 0..<\(depth)")
        }
        var mean = PatchGrid.headMean(context.trace.blocks[index].attention)
        for position in mean.storage.indices { mean.storage[position] = max(mean.storage[position], 0) }
        return PatchGrid.clsRow(of: mean, config: context.config)
    }
}
