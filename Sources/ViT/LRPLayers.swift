import Tensor

/// The LRP rule of each layer kind (methods.md §2.4), on raw row-major float64 buffers of one image.
///
/// Every rule reproduces the `relprop` of Chefer's `modules/layers_ours.py` (`LRPRules.ours`) or
/// `modules/layers_lrp.py` (`LRPRules.original`) with `alpha = 1`, as that code computes after `model.double()`;
/// the comments name the quirks kept. Why float64: the z-rules divide by sums of mixed signs that come near 0,
/// which amplify float32 rounding (and so the order in which a BLAS kernel sums) by orders of magnitude; in
/// float64 the maps no longer depend on the CPU. Matrix products go through `BLAS.gemm` (`dgemm`); scratch space
/// comes from an `LRPWorkspace`, so a rule allocates nothing.
package enum LRPLayers {
    /// The `1e-9` of Chefer's `safe_divide` and of the first-conv rule (a float64 constant, as in PyTorch's
    /// float64 arithmetic).
    package static let epsilon: Double = 1e-9

    /// Chefer's `safe_divide(a, b)`: `a / (b + 1e-9)`, `0` where `b == 0`.
    ///
    /// Its denominator is `b.clamp(min=1e-9) + b.clamp(max=1e-9)`, which is `b + 1e-9` on both sides of `1e-9`;
    /// where that sum is exactly 0 (only `b == -1e-9`) it uses `1e-9`.
    @inline(__always)
    package static func safeDivide(_ numerator: Double, _ denominator: Double) -> Double {
        if denominator == 0 { return 0 }
        let shifted = denominator + epsilon
        return numerator / (shifted == 0 ? epsilon : shifted)
    }

    /// `values[i] = safeDivide(numerators[i], values[i])` for `count` values (the `S = safe_div(R, Z)` step).
    @inline(__always)
    static func divideInto(
        count: Int, numerators: UnsafePointer<Double>, denominatorsToQuotients values: UnsafeMutablePointer<Double>
    ) {
        for index in 0..<count { values[index] = safeDivide(numerators[index], values[index]) }
    }

    /// The float64 bytes of one block of weight rows: the linear rules and ``LRPForward`` widen a weight
    /// matrix in blocks of this size at most, never whole (a ViT-B/16 `fc1` packed as `[W⁺ | W⁻]` would be
    /// 38 MB); 8 MiB keeps the GEMMs wide enough (170 rows of ViT-B/16's packed `fc2`).
    package static let weightBlockBytes = 8 << 20

    /// Rows of a `[outputs, inputs]` weight per block when each row takes `valuesPerRow` doubles.
    static func weightBlockRows(valuesPerRow: Int) -> Int {
        max(1, weightBlockBytes / (max(valuesPerRow, 1) * MemoryLayout<Double>.size))
    }

    /// Linear layer (`nn.Linear`, bias ignored): `result [rows, inputs]` from `x [rows, inputs]`,
    /// `weight [outputs, inputs]` (PyTorch layout, float32, widened exactly) and the output relevance
    /// `relevance [rows, outputs]`.
    ///
    /// - `ours`: `Z = x⁺W⁺ᵀ + x⁻W⁻ᵀ`, `S = safe_div(R, Z)`, `R_in = x⁺ ⊙ (S W⁺) + x⁻ ⊙ (S W⁻)`.
    /// - `original`: `S1 = safe_div(R, x⁺W⁺ᵀ)`, `S2 = safe_div(R, x⁻W⁻ᵀ)`, `R_in = x⁺ ⊙ (S1 W⁺) + x⁻ ⊙ (S2 W⁻)`.
    ///
    /// `[x⁺ | x⁻]` is packed as `[rows, 2 inputs]`; the weight goes in blocks of output rows (``weightBlockBytes``),
    /// each packed as `[W⁺ | W⁻]` `[block, 2 inputs]`: its `Z` columns, their quotients, and their share of
    /// `[S W⁺ | S W⁻]` (accumulated over the blocks). So the `ours` rule is two GEMMs per block with a doubled
    /// inner or outer size, and `original` four on strided halves.
    package static func linear(
        rules: LRPRules, rows: Int, inputs: Int, outputs: Int, input x: UnsafePointer<Double>,
        weight: UnsafePointer<Float>, relevance: UnsafePointer<Double>, result: UnsafeMutablePointer<Double>,
        workspace: LRPWorkspace
    ) {
        guard rows > 0 else { return }
        let packedWidth = 2 * inputs
        let blockRows = min(outputs, weightBlockRows(valuesPerRow: packedWidth))
        let packedWeight = workspace.buffer(.packedWeight, count: blockRows * packedWidth)
        let packedInput = workspace.buffer(.packedInput, count: rows * packedWidth)
        let products = workspace.buffer(.products, count: rows * blockRows)
        let negativeProducts = workspace.buffer(.negativeProducts, count: rows * blockRows)
        let gathered = workspace.buffer(.gathered, count: rows * packedWidth)
        splitSigns(rows: rows, columns: inputs, source: x, into: packedInput)
        for start in stride(from: 0, to: outputs, by: blockRows) {
            let count = min(blockRows, outputs - start)
            let accumulate: Double = start == 0 ? 0 : 1
            splitSigns(rows: count, columns: inputs, source: weight + start * inputs, into: packedWeight)
            switch rules {
            case .ours:
                // Z = [x⁺ | x⁻] · [W⁺ | W⁻]ᵀ, S = safe_div(R, Z), [S W⁺ | S W⁻] += S · [W⁺ | W⁻].
                BLAS.gemmSplittingColumns(
                    transposeB: true, m: rows, n: count, k: packedWidth, a: packedInput, lda: packedWidth,
                    b: packedWeight, ldb: packedWidth, c: products, ldc: count)
                divideBlock(
                    rows: rows, columns: count, numerators: relevance + start, stride: outputs,
                    denominatorsToQuotients: products)
                BLAS.gemmSplittingColumns(
                    m: rows, n: packedWidth, k: count, a: products, lda: count, b: packedWeight, ldb: packedWidth,
                    beta: accumulate, c: gathered, ldc: packedWidth)
            case .original:
                for (half, target) in [(0, products), (inputs, negativeProducts)] {
                    BLAS.gemmSplittingColumns(
                        transposeB: true, m: rows, n: count, k: inputs, a: packedInput + half, lda: packedWidth,
                        b: packedWeight + half, ldb: packedWidth, c: target, ldc: count)
                    divideBlock(
                        rows: rows, columns: count, numerators: relevance + start, stride: outputs,
                        denominatorsToQuotients: target)
                    BLAS.gemmSplittingColumns(
                        m: rows, n: inputs, k: count, a: target, lda: count, b: packedWeight + half,
                        ldb: packedWidth, beta: accumulate, c: gathered + half, ldc: packedWidth)
                }
            }
        }
        for row in 0..<rows {
            let signs = packedInput + row * packedWidth
            let sums = gathered + row * packedWidth
            let target = result + row * inputs
            for column in 0..<inputs {
                target[column] = signs[column] * sums[column] + signs[inputs + column] * sums[inputs + column]
            }
        }
    }

    /// `values[r, c] = safeDivide(numerators[r * stride + c], values[r, c])` for a `[rows, columns]` block of
    /// quotients whose numerators are columns of a wider `[rows, stride]` matrix.
    static func divideBlock(
        rows: Int, columns: Int, numerators: UnsafePointer<Double>, stride: Int,
        denominatorsToQuotients values: UnsafeMutablePointer<Double>
    ) {
        for row in 0..<rows {
            for column in 0..<columns {
                let index = row * columns + column
                values[index] = safeDivide(numerators[row * stride + column], values[index])
            }
        }
    }

    /// Writes `[max(v, 0) | min(v, 0)]` for each row of `source [rows, columns]` into `target [rows, 2 columns]`.
    static func splitSigns<Value: BinaryFloatingPoint>(
        rows: Int, columns: Int, source: UnsafePointer<Value>, into target: UnsafeMutablePointer<Double>
    ) {
        for row in 0..<rows {
            let values = source + row * columns
            let positive = target + row * 2 * columns
            let negative = positive + columns
            for column in 0..<columns {
                let value = Double(values[column])
                positive[column] = value > 0 ? value : 0
                negative[column] = value < 0 ? value : 0
            }
        }
    }

    /// Residual add `total = first + second` (all `[count]`): the relevances of both summands.
    ///
    /// The z-rule `R_a = a ⊙ S`, `R_b = b ⊙ S` with `S = safe_div(R, total)`. With `ours` (Chefer's own `Add`)
    /// each side is then rescaled by `safe_div(|ΣR_a| / (|ΣR_a| + |ΣR_b|) · ΣR, ΣR_a)` (the same for `b`, both
    /// ratios through `safe_divide`), so the totals split `ΣR` by absolute mass. `second` may be `nil` when only
    /// the first summand's relevance is wanted (it is then derived as `total - first`, as it is everywhere:
    /// the forward's residual branch output is `total - first` up to one rounding).
    package static func add(
        rules: LRPRules, count: Int, first: UnsafePointer<Double>, total: UnsafePointer<Double>,
        relevance: UnsafePointer<Double>, firstResult: UnsafeMutablePointer<Double>,
        secondResult: UnsafeMutablePointer<Double>?
    ) {
        var firstSum: Double = 0
        var secondSum: Double = 0
        var relevanceSum: Double = 0
        for index in 0..<count {
            let quotient = safeDivide(relevance[index], total[index])
            let firstShare = first[index] * quotient
            let secondShare = (total[index] - first[index]) * quotient
            firstResult[index] = firstShare
            secondResult?[index] = secondShare
            firstSum += firstShare
            secondSum += secondShare
            relevanceSum += relevance[index]
        }
        guard rules == .ours else { return }
        let mass = abs(firstSum) + abs(secondSum)
        let firstFactor = safeDivide(safeDivide(abs(firstSum), mass) * relevanceSum, firstSum)
        let secondFactor = safeDivide(safeDivide(abs(secondSum), mass) * relevanceSum, secondSum)
        for index in 0..<count { firstResult[index] *= firstFactor }
        if let secondResult {
            for index in 0..<count { secondResult[index] *= secondFactor }
        }
    }

    /// Residual fork (`Clone`): `result = x ⊙ (safe_div(R_skip, x) + safe_div(R_branch, x))`, all `[count]`.
    /// Chefer's `Clone.relprop` computes it so (not as a plain sum): entries where `x == 0` get no relevance.
    package static func clone(
        count: Int, input x: UnsafePointer<Double>, skip: UnsafePointer<Double>, branch: UnsafePointer<Double>,
        result: UnsafeMutablePointer<Double>
    ) {
        for index in 0..<count {
            result[index] = x[index] * (safeDivide(skip[index], x[index]) + safeDivide(branch[index], x[index]))
        }
    }
}
