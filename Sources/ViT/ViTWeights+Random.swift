import SeededRandom
import Tensor

extension ViTWeights {
    /// Weights of the given geometry filled with seeded pseudo-random values (uniform in `-scale...scale`, norm
    /// weights near 1), for benchmarks and tests that need timm's shapes but not a trained model.
    public static func random(config: ViTConfig, seed: UInt64 = 0, scale: Float = 0.02) -> ViTWeights {
        var generator = SplitMix64(seed: seed)
        func values(_ shape: [Int], around center: Float = 0) -> Tensor {
            let count = shape.reduce(1, *)
            var storage = [Float](repeating: 0, count: count)
            for index in 0..<count {
                // One SplitMix64 output mapped to [-1, 1).
                let unit = generator.unitFloat() * 2 - 1
                storage[index] = center + scale * unit
            }
            return Tensor(shape: shape, storage: storage)
        }
        let width = config.embedDim
        let blocks = (0..<config.depth).map { _ in
            BlockWeights(
                norm1Weight: values([width], around: 1), norm1Bias: values([width]),
                qkvWeight: values([3 * width, width]), qkvBias: values([3 * width]),
                projWeight: values([width, width]), projBias: values([width]),
                norm2Weight: values([width], around: 1), norm2Bias: values([width]),
                fc1Weight: values([config.mlpDim, width]), fc1Bias: values([config.mlpDim]),
                fc2Weight: values([width, config.mlpDim]), fc2Bias: values([width]))
        }
        return ViTWeights(
            config: config, patchWeight: values([width, config.patchValues]), patchBias: values([width]),
            classToken: values([width]), distillationToken: config.distilled ? values([width]) : nil,
            positionEmbedding: values([config.tokens, width]), blocks: blocks, normWeight: values([width], around: 1),
            normBias: values([width]), headWeight: values([config.classes, width]), headBias: values([config.classes]),
            distillationHeadWeight: config.distilled ? values([config.classes, width]) : nil,
            distillationHeadBias: config.distilled ? values([config.classes]) : nil)
    }
}
