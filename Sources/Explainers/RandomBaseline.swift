import Tensor
import ViT

/// The random floor: i.i.d. uniform values on the patch grid, `[g, g]`, the score any real method must beat.
///
/// Deterministic per image: ``SeededNoise`` seeded with `seed=` (default 0) mixed with the image id
/// (``SeededNoise/seed(_:imageID:)``: XOR with the id's FNV-1a hash), then one ``SeededNoise/uniform()`` per
/// patch in row-major order. Without an image id every image gets the same map. Needs no pass; not
/// class-specific.
public struct RandomBaseline: ExplanationMethod {
    public let id: String
    public let seed: UInt64

    public init(seed: UInt64 = 0) {
        self.seed = seed
        id = seed == 0 ? "random" : "random:seed=\(seed)"
    }

    public static let descriptor = MethodDescriptor(
        id: "random",
        summary: "Uniform random values on the patch grid (floor), seeded per image",
        citation: "Baseline; seed mixed with the image id (FNV-1a), SplitMix64 uniforms",
        passes: "none",
        options: ["seed=0: base seed"],
        isClassSpecific: false
    ) { (options: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        RandomBaseline(seed: UInt64(try options.integer("seed", default: 0, in: 0...Int.max)))
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [] }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let grid = context.config.gridSize
        var noise = SeededNoise(seed: SeededNoise.seed(seed, imageID: context.imageID))
        return Heatmap(values: (0..<(grid * grid)).map { _ in noise.uniform() }, height: grid, width: grid)
    }
}
