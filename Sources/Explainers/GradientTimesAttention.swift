import Foundation
import Tensor
import ViT

/// The per-block product of CLS attention and its gradient, from Baidu's article on robust input visualisation
/// for ViT (methods.md §4.1; a blog article with no published code): for each block `l`,
/// `s_l = mean_h (a_l ⊙ g_l)` over the CLS row and patch columns, with `a_l` the post-softmax attention and `g_l`
/// its gradient; map `[g, g]` = `Π_l (s_l + ε)`.
///
/// The article leaves open whether anything is clamped, the value of ε, and which blocks are used. Two variants:
/// - `gxa` (default, ε = 1e-3): `s_l ← ReLU(s_l)`, then per-block max scaling `s_l ← s_l / max_p s_l` (a block
///   whose `s_l` is all zero after the ReLU stays all zero), then the product of `s_l + ε`. Every factor lies in
///   `[ε, 1 + ε]`, so each block can only down-weight a patch, and no block's sign flips the map.
/// - `gxa-signed` (ε = 1e-6): the formula as literally stated, signed `s_l`, no scaling. Negative factors flip
///   signs, so the map's sign depends on how many blocks disagree.
///
/// Both are computed in the log domain (`Σ_l log|s_l + ε|`, with the sign tracked separately for the signed
/// variant), since the plain float32 product of 12 factors of `~1e-3` underflows. The grid is the product divided
/// by its largest magnitude, `sign · exp(L − max_p L)` with `L = Σ_l log|s_l + ε|` (largest entry ±1; min-max
/// normalisation is unchanged by that positive scale). A factor exactly 0 gives a 0 entry.
/// `start=` is the 0-based first block (default 0: every block). Needs forward + backward.
package struct GradientTimesAttention: ExplanationMethod {
    /// The two readings of the article.
    package enum Variant: Sendable {
        /// ReLU and per-block max scaling, ε = 1e-3 by default.
        case rectified
        /// Signed, as literally stated, ε = 1e-6 by default.
        case signed

        /// The spread measured on the demo (50 images, per-image values): 1 against 2 threads, the GEMM split
        /// off, and OpenBLAS's Sandybridge against its Zen (Haswell) kernels. Every other method stayed within
        /// 1e-6 there.
        var reproducibility: Reproducibility {
            switch self {
            case .rectified:
                .spread(
                    2e-4, measured: "1.8e-4 on the demo",
                    reason:
                        "a factor s/max + eps with eps = 1e-3 multiplies the float32 rounding of the attention "
                        + "gradient by up to 1/eps, enough to move a pixel across the threshold")
            case .signed:
                .spread(
                    0.02, measured: "0.018 on the demo",
                    reason:
                        "with eps = 1e-6 a signed factor near 0 changes sign with float32 rounding of the "
                        + "attention gradient, flipping the sign of that patch's product")
            }
        }

        /// `eps=`, whose default is the variant's.
        var epsilon: MethodOption<Double> {
            MethodOption(
                "eps", default: self == .rectified ? 1e-3 : 1e-6, in: 0...1e6,
                help: "the epsilon added to each block's factor (not given by the article)")
        }
    }

    package let id: String
    package let variant: Variant
    package let epsilon: Double
    package let startLayer: Int
    package let gradientOf: GradientOf

    package static let start = SharedMethodOptions.start(default: 0, help: "0-based first block (0 = every block)")

    package static let descriptor = makeDescriptor(
        .rectified, id: "gxa",
        summary: "Product over blocks of (ReLU, max-scaled head-mean CLS attention x gradient + eps), log domain")

    package static let signedDescriptor = makeDescriptor(
        .signed, id: "gxa-signed",
        summary: "Product over blocks of (signed head-mean CLS attention x gradient + eps), as literally stated")

    private static func makeDescriptor(_ variant: Variant, id: String, summary: String) -> MethodDescriptor {
        MethodDescriptor(
            id: id, summary: summary,
            citation: "Baidu, robust input visualisation for ViT (2022 article, no code; methods.md §4.1)",
            passes: "forward + backward", options: [variant.epsilon, start, SharedMethodOptions.grad],
            isClassSpecific: true, reproducibility: variant.reproducibility
        ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
            GradientTimesAttention(variant: variant, options: options)
        }
    }

    init(variant: Variant, options: MethodOptions) {
        self.variant = variant
        id = options.id
        epsilon = options[variant.epsilon]
        startLayer = options[Self.start]
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(gradientOf.backwardTarget, .standard)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        guard startLayer < config.depth else {
            throw .unsupportedModel(method: id, reason: "start layer \(startLayer) is outside 0..<\(config.depth)")
        }
        let gradients = context.gradients(target: gradientOf.backwardTarget)
        let tokens = config.tokens
        let prefix = config.prefixTokens
        let patches = config.patchCount
        var logMagnitude = [Double](repeating: 0, count: patches)
        var negative = [Bool](repeating: false, count: patches)
        for block in startLayer..<config.depth {
            let attention = context.trace.blocks[block].attention.storage
            let gradient = gradients.blocks[block].attention.storage
            // s_l = mean_h(a ⊙ g), accumulated in double: the scaled factor `s / max + ε` amplifies the rounding
            // of `s` by up to 1 / ε, and heads' products cancel.
            var factor = [Double](repeating: 0, count: patches)
            for head in 0..<config.heads {
                let rowStart = head * tokens * tokens + prefix  // row 0 (CLS), first patch column
                for patch in 0..<patches {
                    factor[patch] += Double(attention[rowStart + patch]) * Double(gradient[rowStart + patch])
                }
            }
            for patch in 0..<patches { factor[patch] /= Double(config.heads) }
            if variant == .rectified {
                for patch in 0..<patches { factor[patch] = max(factor[patch], 0) }
                let largest = factor.max() ?? 0
                if largest > 0 { for patch in 0..<patches { factor[patch] /= largest } }
            }
            for patch in 0..<patches {
                let term = factor[patch] + epsilon
                logMagnitude[patch] += log(abs(term))  // -inf for an exact 0, which exp turns back into 0
                if term < 0 { negative[patch].toggle() }
            }
        }
        let largest = logMagnitude.max() ?? 0
        var map = [Float](repeating: 0, count: patches)
        if largest > -Double.infinity {
            for patch in 0..<patches {
                let magnitude = Float(exp(logMagnitude[patch] - largest))
                map[patch] = negative[patch] ? -magnitude : magnitude
            }
        }
        return Heatmap(values: map, height: config.gridSize, width: config.gridSize)
    }
}
