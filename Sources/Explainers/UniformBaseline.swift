import ScoreMaps
import Tensor
import ViT

/// The constant map: every patch of the `[g, g]` grid is 1.
///
/// It carries no ranking at all, so it measures what a protocol does with a constant map: min-max normalisation
/// reports it as ``MapCondition/constant`` (and returns zeros instead of PyTorch's `0 / 0 = NaN`), and the
/// evaluator applies its documented constant-map rule, the same one it applies to a Grad-CAM map that clamped
/// to zero. Needs no pass; not class-specific.
public struct UniformBaseline: ExplanationMethod {
    public let id = "uniform"

    public init() {}

    public static let descriptor = MethodDescriptor(
        id: "uniform",
        summary: "Constant map (tests each protocol's constant-map rule)",
        citation: "Baseline",
        passes: "none",
        isClassSpecific: false
    ) { (_: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        UniformBaseline()
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [] }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let grid = context.config.gridSize
        return Heatmap(grid: Tensor(shape: [grid, grid], repeating: 1))
    }
}
