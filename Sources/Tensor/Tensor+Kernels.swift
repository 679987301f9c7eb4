/// The non-matrix kernels of the ViT engine, on raw buffers: layer norm, exact-erf GELU, row softmax, their
/// backward passes, and the vectorised `exp` and `erf` they rest on.
///
/// Every kernel works on 8-wide `SIMD8<Float>` lanes (with a zero-padded lane for the tail), keeps several
/// accumulators in flight for reductions (Swift never reassociates float sums by itself), and allocates
/// nothing, so the work between the GEMMs stays a small fraction of a forward. The `Tensor` methods in the
/// `Tensor+LayerNorm`, `Tensor+GELU`, `Tensor+Softmax` and `Tensor+Reductions` files wrap these for callers
/// that hold tensors.
extension Tensor {
    package enum Kernels {}
}

extension Tensor.Kernels {
    /// Eight lanes of `Float`, the unit every kernel works in.
    package typealias Lanes = SIMD8<Float>

    /// Loads eight floats from `pointer` (no alignment needed).
    @inlinable @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// Stores eight floats at `pointer` (no alignment needed).
    @inlinable @inline(__always)
    static func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }

    /// Loads the `count < 8` floats at `pointer` into the first lanes, `fill` into the others.
    @inlinable @inline(__always)
    static func loadPartial(_ pointer: UnsafePointer<Float>, count: Int, fill: Float = 0) -> Lanes {
        var value = Lanes(repeating: fill)
        for lane in 0..<count { value[lane] = pointer[lane] }
        return value
    }

    /// Stores the first `count < 8` lanes of `value` at `pointer`.
    @inlinable @inline(__always)
    static func storePartial(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>, count: Int) {
        for lane in 0..<count { pointer[lane] = value[lane] }
    }

    /// `e^x` per lane, within 2 ulp of `expf` on `[-87.3, 88]` (inputs are clamped to that range, so the result
    /// is never 0 or infinite: softmax and the GELU derivative only see arguments `<= 0`, where the clamp
    /// changes values below 1e-38).
    ///
    /// Cephes' `expf`: `x = n ln 2 + r` with `n` rounded to nearest by the `1.5 * 2^23` trick (no float-to-int
    /// conversion, so it stays branch-free), a two-constant Cody-Waite reduction, a degree-6 polynomial on
    /// `|r| <= ln 2 / 2`, and `2^n` built from the exponent bits.
    @inlinable @inline(__always)
    package static func exp(_ x: Lanes) -> Lanes {
        // `replacing(with:where:)` compiles to compare + blend; `clamped`/`pointwiseMin` go lane by lane.
        let low = Lanes(repeating: -87.3)
        let high = Lanes(repeating: 88)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        let shifter = Lanes(repeating: 12_582_912)  // 1.5 * 2^23: adding it rounds to an integer.
        let shifted = clamped * 1.442_695_04 + shifter
        let n = shifted - shifter
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let polynomial = p * (r * r) + r + 1
        // The low mantissa bits of `shifted` hold n + 2^22; rebias them into an exponent field.
        let exponent = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- (0x4B40_0000 - 127)
        let scale = unsafeBitCast(exponent &<< UInt32(23), to: Lanes.self)
        return polynomial * scale
    }

    /// `erf(x)` per lane, within 5e-7 absolute of the exact value: the rational minimax approximation Eigen
    /// and XLA use for float32 (`x * P(x^2) / Q(x^2)` on `[-4, 4]`, where `erf` rounds to `±1` outside).
    /// PyTorch evaluates `erf` to about 1 ulp, so GELU outputs agree with it to a few 1e-7.
    @inlinable @inline(__always)
    package static func erf(_ x: Lanes) -> Lanes {
        let low = Lanes(repeating: -4)
        let high = Lanes(repeating: 4)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        let square = clamped * clamped
        var numerator = Lanes(repeating: -2.726_142_258_013_06e-10)
        numerator = numerator * square + 2.770_681_424_959_02e-08
        numerator = numerator * square - 2.101_024_020_825_08e-06
        numerator = numerator * square - 5.692_506_394_623_46e-05
        numerator = numerator * square - 7.349_906_303_268_55e-04
        numerator = numerator * square - 2.954_599_808_540_25e-03
        numerator = numerator * square - 1.609_603_332_624_15e-02
        var denominator = Lanes(repeating: -1.456_607_184_649_96e-05)
        denominator = denominator * square - 2.133_740_552_789_05e-04
        denominator = denominator * square - 1.682_826_974_382_03e-03
        denominator = denominator * square - 7.373_329_167_204_68e-03
        denominator = denominator * square - 1.426_473_905_141_89e-02
        return clamped * numerator / denominator
    }

    /// `e^x` for one value, through the same lanes (so scalar and vector paths agree bit for bit).
    @inlinable
    package static func exp(_ x: Float) -> Float { exp(Lanes(repeating: x))[0] }

    /// `erf(x)` for one value, through the same lanes.
    @inlinable
    package static func erf(_ x: Float) -> Float { erf(Lanes(repeating: x))[0] }
}
