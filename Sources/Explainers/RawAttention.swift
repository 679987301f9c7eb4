import Tensor
import ViT

/// Raw attention of the last block, Chefer et al.'s `attn_last_layer` baseline (methods.md §2.2).
///
/// `A_L` (post-softmax, the last block unless `block=` says otherwise) → clamp at 0 (a no-op on softmax
/// output, kept as the reference does) → mean over heads → CLS row, patch columns. Needs one forward.
/// Not class-specific.
public struct RawAttention: ExplanationMethod {
    public let id: String
    /// The 0-based block whose attention is read; `nil` = the last block.
    public let block: Int?

    public init(block: Int? = nil) {
        self.block = block
        id = block.map { "raw-attention:block=\($0)" } ?? "raw-attention"
    }

    public static let descriptor = MethodDescriptor(
        id: "raw-attention",
        summary: "Head-averaged CLS attention of the last block",
        citation: "Chefer et al., CVPR 2021, baseline attn_last_layer (hila-chefer/Transformer-Explainability)",
        passes: "forward",
        options: ["block=last: 0-based block to read (negative counts from the end)"],
        isClassSpecific: false
    ) { (options: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        let block = try options.string("block").map { (text: String) throws(ExplainerError) -> Int in
            guard let value = Int(text) else {
                throw .invalidOption(method: "raw-attention", option: "block", reason: "'\(text)' is not an integer")
            }
            return value
        }
        return RawAttention(block: block)
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [.forward] }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let depth = context.config.depth
        let index = block.map { $0 < 0 ? depth + $0 : $0 } ?? depth - 1
        guard (0..<depth).contains(index) else {
            throw .unsupportedModel(method: id, reason: "block \(block ?? index) is outside 0..<\(depth)")
        }
        var mean = PatchGrid.headMean(context.trace.blocks[index].attention)
        for position in mean.storage.indices { mean.storage[position] = max(mean.storage[position], 0) }
        return PatchGrid.clsRow(of: mean, config: context.config)
    }
}
