import Tensor

/// Reusable float64 scratch buffers for one LRP pass, so the rules allocate nothing per layer. Not thread-safe: one
/// workspace per pass.
package final class LRPWorkspace {
    /// What a buffer holds; each slot keeps the largest capacity asked for so far.
    package enum Slot: Int, CaseIterable {
        /// `[W⁺ | W⁻]`: `[outputs, 2 inputs]`.
        case packedWeight
        /// `[x⁺ | x⁻]`: `[rows, 2 inputs]`.
        case packedInput
        /// `Z`, then `S = safe_div(R, Z)` in place: `[rows, outputs]` (the `x⁺W⁺ᵀ` half for `original`).
        case products
        /// The `x⁻W⁻ᵀ` half of `original`'s Linear rule: `[rows, outputs]`.
        case negativeProducts
        /// `[S W⁺ | S W⁻]`: `[rows, 2 inputs]`.
        case gathered
        /// Attention: one head's `S` `[N, d]`.
        case headQuotients
        /// Attention: one head's `[N, N]` products.
        case headSquare
        /// Attention: one head's `[N, d]` products.
        case headColumns
        /// Patch embedding: `S · W`, then the relevance of each unfolded pixel, `[patches, C·P·P]`.
        case patchGradient
        /// Propagation: the relevance flowing backwards (block output, then block input), `[N, D]`.
        case relevance
        /// Propagation: the relevance of a residual add's skip summand, `[N, D]`.
        case skip
        /// Propagation: the relevance at a branch output (MLP or attention), `[N, D]`.
        case branch
        /// Propagation: the relevance at the MLP's hidden activations, `[N, M]`.
        case hidden
        /// Propagation: the relevance at a LayerNorm output (`norm1`, `norm2`), `[N, D]`.
        case normalized
        /// Propagation: the relevance at the attention context (`proj`'s input), `[N, D]`.
        case context
        /// Propagation: the relevance at `qkv`'s output, `[N, 3D]`.
        case qkv
        /// Propagation: the classifier's one-hot relevance `[classes]` and its relevance at the pooled token `[D]`.
        case classifier
        case pooled
        /// Propagation: one block's halved relevance at the attention, `[H, N, N]`.
        case attentionRelevance
        /// Propagation: the relevance at the pixels, `[C, S, S]`.
        case pixels
    }

    private var buffers: [UnsafeMutablePointer<Double>?]
    private var capacities: [Int]

    package init() {
        buffers = Array(repeating: nil, count: Slot.allCases.count)
        capacities = Array(repeating: 0, count: Slot.allCases.count)
    }

    deinit {
        for buffer in buffers { buffer?.deallocate() }
    }

    /// Room for at least `count` doubles in `slot` (contents unspecified; valid until the next call for the slot).
    package func buffer(_ slot: Slot, count: Int) -> UnsafeMutablePointer<Double> {
        let index = slot.rawValue
        if let buffer = buffers[index], capacities[index] >= count { return buffer }
        buffers[index]?.deallocate()
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(count, 1))
        buffers[index] = buffer
        capacities[index] = Swift.max(count, 1)
        return buffer
    }
}
