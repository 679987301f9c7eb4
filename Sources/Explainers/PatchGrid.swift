import Tensor
import ViT

/// Reading token rows and columns of `[N, N]` or `[H, N, N]` attention-shaped tensors as patch grids.
///
/// Every reference code takes "row 0, columns 1:" (the CLS query, every patch key); for distilled models the
/// patches start after the two prefix tokens (cls, dist), so the columns are `prefixTokens..<N`.
package enum PatchGrid {
    /// The CLS row of a `[N, N]` matrix restricted to patch columns, as a `[grid, grid]` heatmap.
    package static func clsRow(of matrix: Tensor, config: ViTConfig) -> Heatmap {
        let tokens = config.tokens
        precondition(
            matrix.shape == [tokens, tokens], "PatchGrid: expected [\(tokens), \(tokens)], got \(matrix.shape)")
        let patches = Array(matrix.storage[config.prefixTokens..<tokens])
        return Heatmap(values: patches, height: config.gridSize, width: config.gridSize)
    }

    /// A `[N]` token vector restricted to its patch entries, as a `[grid, grid]` heatmap.
    package static func patches(of tokenVector: [Float], config: ViTConfig) -> Heatmap {
        precondition(tokenVector.count == config.tokens, "PatchGrid: expected \(config.tokens) tokens")
        let patches = Array(tokenVector[config.prefixTokens..<config.tokens])
        return Heatmap(values: patches, height: config.gridSize, width: config.gridSize)
    }

    /// The mean over heads of `[H, N, N]` (image 0 of a `[1, H, N, N]` trace tensor is accepted too),
    /// `[N, N]`, summed in head order and divided by `H` as `tensor.mean(dim=0)` does.
    package static func headMean(_ attention: Tensor) -> Tensor {
        let heads = attention.shape[attention.rank - 3]
        let tokens = attention.shape[attention.rank - 1]
        let plane = tokens * tokens
        var mean = [Float](repeating: 0, count: plane)
        attention.storage.withUnsafeBufferPointer { source in
            mean.withUnsafeMutableBufferPointer { destination in
                for head in 0..<heads {
                    let base = head * plane
                    for index in 0..<plane { destination[index] += source[base + index] }
                }
                let scale = Float(heads)
                for index in 0..<plane { destination[index] /= scale }
            }
        }
        return Tensor(shape: [tokens, tokens], storage: mean)
    }
}
