import Tensor
import ViT

/// SmoothGrad (Smilkov et al., arXiv 1706.03825, 2017): input gradients averaged over noisy copies of the input,
/// `1/n Σ_i f(∂y_c/∂x (x + ε_i))`, `ε_i ~ N(0, σ²)`, then reduced over colour channels: a pixel-level `[S, S]`
/// map.
///
/// - `samples=25`, `sigma=0.15`: the defaults of the authors' PAIR `saliency` library (`GetSmoothedMask`,
///   `nsamples=25`, `stdev_spread=.15`); σ is a fraction of the input's range, `σ = sigma · (max x - min x)` over
///   the whole normalised input tensor, as the paper's "noise level" σ/(x_max - x_min) is defined.
/// - `average=abs` (default): `f = |·|`, Captum's `NoiseTunnel(Saliency(abs=True), nt_type="smoothgrad")`;
///   `square`: `f = (·)²`, PAIR's `magnitude=True`; `raw`: `f` = identity, the paper's equation (3).
/// - `reduce=max` (default, Simonyan's `max_c |·|`), or `sum`, `signed`, `abs` (``ChannelReduction``).
/// - `seed=0`: the noise is ``SeededNoise`` from this seed alone (the same for every image, so reruns repeat):
///   one stream of standard normals, `C·S·S` per sample in row-major order, sample after sample, each scaled by σ
///   in double precision and added to the float32 input.
/// - `grad=logit` (default) or `probability`. All samples run as one batch of extra lean passes to the input
///   gradient, in chunks that fit the run's memory target (`batch=auto`, ``SharedMethodOptions/batch``).
package struct SmoothGrad: ExplanationMethod {
    /// What is averaged over the samples.
    package enum Average: String, Sendable, CaseIterable, MethodOptionChoice {
        case abs
        case square
        case raw
    }

    package let id: String
    package let samples: Int
    package let sigma: Double
    package let seed: UInt64
    package let average: Average
    package let reduction: ChannelReduction
    package let gradientOf: GradientOf
    /// Images per forward + backward chunk.
    package let batchSize: ChunkSize

    package static let samplesOption = MethodOption("samples", default: 25, in: 1...4096, help: "noisy copies")
    package static let sigmaOption = MethodOption(
        "sigma", default: 0.15, in: 0...10,
        help: "noise standard deviation as a fraction of the input's range (max - min)")
    package static let seedOption = MethodOption("seed", default: 0, in: 0...Int.max, help: "noise seed")
    package static let averageOption = MethodOption(
        "average", default: Average.abs,
        help: "what is averaged, abs (|g|, Captum), square (g², PAIR) or raw (g, the paper)")
    package static let reduce = MethodOption(
        "reduce", default: ChannelReduction.max, help: "channel reduction of the averaged gradient")

    package static let descriptor = MethodDescriptor(
        id: "smoothgrad",
        summary: "Input gradients averaged over Gaussian-noised copies of the input (pixel level)",
        citation: "Smilkov et al., arXiv 1706.03825 (2017); PAIR saliency defaults; Captum NoiseTunnel(Saliency)",
        passes: "samples x (forward + backward), batched",
        options: [
            samplesOption, sigmaOption, seedOption, averageOption, reduce, SharedMethodOptions.grad,
            SharedMethodOptions.batch,
        ],
        isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        SmoothGrad(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        samples = options[Self.samplesOption]
        sigma = options[Self.sigmaOption]
        seed = UInt64(options[Self.seedOption])
        average = options[Self.averageOption]
        reduction = options[Self.reduce]
        gradientOf = options[SharedMethodOptions.grad]
        batchSize = options[SharedMethodOptions.batch]
    }

    private var passName: String {
        "smoothgrad(samples=\(samples), sigma=\(sigma), seed=\(seed), \(average.rawValue), \(gradientOf.rawValue))"
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.batchedGradients(passName, images: samples)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let target = gradientOf.backwardTarget
        let chunk = BatchedPasses.chunk(batchSize, pass: .inputGradient, images: samples, context: context)
        let averaged = context.batched(passName, images: samples) { model, input, targetClass in
            let values = input.storage
            let range = Double((values.max() ?? 0) - (values.min() ?? 0))
            let deviation = sigma * range
            var noise = SeededNoise(seed: seed)
            var sum = [Float](repeating: 0, count: values.count)
            BatchedPasses.products(
                model: model, pass: .inputGradient, images: samples, chunk: chunk, targetClass: targetClass,
                target: target,
                fill: { _, pixels in
                    // Called in sample order, so the stream is drawn sample after sample.
                    for index in pixels.indices { pixels[index] = values[index] + Float(deviation * noise.normal()) }
                },
                consume: { _, gradient in
                    switch average {
                    case .abs: for index in sum.indices { sum[index] += Swift.abs(gradient[index]) }
                    case .square: for index in sum.indices { sum[index] += gradient[index] * gradient[index] }
                    case .raw: for index in sum.indices { sum[index] += gradient[index] }
                    }
                })
            let count = Float(samples)
            return Tensor(shape: input.shape, storage: sum.map { $0 / count })
        }
        let map = averaged.storage.withUnsafeBufferPointer { reduction.reduce($0, channels: config.channels) }
        return Heatmap(values: map, height: config.imageSize, width: config.imageSize)
    }
}
