import Tensor
import ViT

/// `[N, N]` token-to-token matrix algebra shared by the rollout-style methods (rollout, transformer attribution,
/// GAE, TAM, Beyond Intuition), written as the reference codes write it so the float32 results follow the same
/// operations.
package enum TokenMatrix {
    /// The `[n, n]` identity.
    package static func identity(_ n: Int) -> Tensor {
        var matrix = Tensor(zeros: [n, n])
        for index in 0..<n { matrix.storage[index * n + index] = 1 }
        return matrix
    }

    /// `matrix + I` for a square `[n, n]` matrix.
    package static func plusIdentity(_ matrix: Tensor) -> Tensor {
        var result = matrix
        let n = matrix.shape[0]
        for index in 0..<n { result.storage[index * n + index] += 1 }
        return result
    }

    /// Each row divided by its sum (`m / m.sum(dim=-1, keepdim=True)`).
    package static func rowNormalized(_ matrix: Tensor) -> Tensor {
        var result = matrix
        let n = matrix.shape[1]
        for row in 0..<matrix.shape[0] {
            var total: Float = 0
            for column in 0..<n { total += matrix.storage[row * n + column] }
            for column in 0..<n { result.storage[row * n + column] /= total }
        }
        return result
    }

    /// The product `left · right` of `[n, n]` matrices.
    package static func product(_ left: Tensor, _ right: Tensor) -> Tensor {
        Tensor.matmul(left, right)
    }

    /// `R + M · R` (the GAE and Beyond-Intuition accumulation `R = R + matmul(cam, R)`).
    package static func accumulate(_ relevance: Tensor, _ matrix: Tensor) -> Tensor {
        var result = product(matrix, relevance)
        for index in result.storage.indices { result.storage[index] += relevance.storage[index] }
        return result
    }

    /// `mean_h clamp(a_h ⊙ b_h, min 0)`, `[N, N]`, of two `[H, N, N]` (or `[1, H, N, N]`) tensors: Chefer's
    /// `(grad * cam).clamp(min=0).mean(dim=0)`.
    package static func clampedHeadMean(_ first: Tensor, _ second: Tensor) -> Tensor {
        precondition(first.count == second.count, "TokenMatrix: \(first.shape) and \(second.shape)")
        var product = first
        for index in product.storage.indices {
            product.storage[index] = max(first.storage[index] * second.storage[index], 0)
        }
        return PatchGrid.headMean(product)
    }

    /// Every entry clamped at 0 (`clamp(min=0)`).
    package static func clampedAtZero(_ tensor: Tensor) -> Tensor {
        var result = tensor
        for index in result.storage.indices { result.storage[index] = max(result.storage[index], 0) }
        return result
    }

    /// Row `row` of a `[n, n]` matrix, `[n]`.
    package static func row(_ matrix: Tensor, _ row: Int) -> [Float] {
        let n = matrix.shape[1]
        return Array(matrix.storage[(row * n)..<((row + 1) * n)])
    }
}
