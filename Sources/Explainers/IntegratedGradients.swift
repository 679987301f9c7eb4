import Tensor
import ViT

/// Integrated gradients (Sundararajan, Taly and Yan, ICML 2017), as Captum's `IntegratedGradients` computes it:
/// `(x - x') ⊙ Σ_i w_i ∂y_c/∂x (x' + α_i (x - x'))`, then summed over colour channels: a pixel-level `[S, S]`
/// map.
///
/// - `steps=50` and `rule=gausslegendre` are Captum's defaults (``IntegrationRule`` lists the Riemann rules,
///   Captum's trapezoid quirk included). The path points are `x' + α (x - x')` in float32, as Captum builds them.
/// - `baseline=zero` (default, Captum's default `baselines=0`): zero in the normalised input space, i.e. the
///   dataset-mean grey; `baseline=black`: pixel value 0 in every channel, `(0 - mean) / std`, which needs the
///   context's ``ChannelNormalization`` (an RGB input).
/// - `reduce=signed` (default): the signed channel sum; `abs`, `sum`, `max` as ``ChannelReduction`` says.
/// - `grad=logit` (default) or `probability`.
/// - All steps run as one batch of extra lean passes to the input gradient (``ExplanationContext/batched(_:images:compute:)``,
///   ``ViTModel/inputGradients(_:classes:target:)``), in chunks that fit the run's memory target (`batch=auto`,
///   ``SharedMethodOptions/batch``).
package struct IntegratedGradients: ExplanationMethod {
    /// Where the path starts.
    package enum Baseline: String, Sendable, CaseIterable, MethodOptionChoice {
        case zero
        case black
    }

    package let id: String
    package let steps: Int
    package let rule: IntegrationRule
    package let baseline: Baseline
    package let gradientOf: GradientOf
    package let reduction: ChannelReduction
    /// Images per forward + backward chunk.
    package let batchSize: ChunkSize

    /// `steps=`; the Riemann rules also need at least ``IntegrationRule/minimumSteps`` (checked with the rule).
    package static let stepsOption = MethodOption("steps", default: 50, in: 1...4096, help: "points on the path")
    package static let ruleOption = MethodOption(
        "rule", default: IntegrationRule.gausslegendre, help: "the quadrature, as Captum's approximation methods")
    package static let baselineOption = MethodOption(
        "baseline", default: Baseline.zero, help: "zero (normalised space, mean grey) or black (pixel 0)")
    package static let reduce = MethodOption(
        "reduce", default: ChannelReduction.signed, help: "channel reduction of the attribution")

    package static let descriptor = MethodDescriptor(
        id: "integrated-gradients",
        summary: "Path-integrated input gradients times (input - baseline), summed over channels (pixel level)",
        citation: "Sundararajan et al., ICML 2017; Captum IntegratedGradients (defaults n_steps=50, gausslegendre)",
        passes: "steps x (forward + backward), batched",
        options: [
            stepsOption, ruleOption, baselineOption, reduce, SharedMethodOptions.grad, SharedMethodOptions.batch,
        ],
        isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        try IntegratedGradients(options)
    }

    init(_ options: MethodOptions) throws(ExplainerError) {
        id = options.id
        steps = options[Self.stepsOption]
        rule = options[Self.ruleOption]
        baseline = options[Self.baselineOption]
        gradientOf = options[SharedMethodOptions.grad]
        reduction = options[Self.reduce]
        batchSize = options[SharedMethodOptions.batch]
        guard steps >= rule.minimumSteps else {
            let domain = rule.minimumSteps...Self.stepsOption.domain.upperBound
            throw .invalidOption(
                method: options.methodID, option: Self.stepsOption.name,
                reason: "'\(steps)' is not \(Int.describe(domain)) (rule=\(rule.rawValue) needs at least "
                    + "\(rule.minimumSteps) steps)")
        }
    }

    /// The name of the batched pass: every option that changes the gradients.
    private var passName: String {
        "integrated-gradients(steps=\(steps), \(rule.rawValue), \(baseline.rawValue), \(gradientOf.rawValue))"
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.batchedGradients(passName, images: steps)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let start = try baselineInput(context)
        let (alphas, weights) = rule.nodes(steps: steps)
        let target = gradientOf.backwardTarget
        let chunk = BatchedPasses.chunk(batchSize, pass: .inputGradient, images: steps, context: context)
        let integral = context.batched(passName, images: steps) { model, input, targetClass in
            var sum = [Float](repeating: 0, count: input.count)
            let difference = zip(input.storage, start).map { $0 - $1 }
            BatchedPasses.products(
                model: model, pass: .inputGradient, images: steps, chunk: chunk, targetClass: targetClass,
                target: target,
                fill: { step, pixels in
                    let alpha = Float(alphas[step])
                    for index in pixels.indices { pixels[index] = start[index] + alpha * difference[index] }
                },
                consume: { step, gradient in
                    let weight = Float(weights[step])
                    for index in sum.indices { sum[index] += weight * gradient[index] }
                })
            return Tensor(shape: input.shape, storage: sum)
        }
        var attribution = integral.storage
        let input = context.input.storage
        for index in attribution.indices { attribution[index] *= input[index] - start[index] }
        let map = attribution.withUnsafeBufferPointer { reduction.reduce($0, channels: config.channels) }
        return Heatmap(values: map, height: config.imageSize, width: config.imageSize)
    }

    /// The baseline `x'` as `[C * S * S]` normalised values.
    private func baselineInput(_ context: ExplanationContext) throws(ExplainerError) -> [Float] {
        let config = context.config
        let plane = config.imageSize * config.imageSize
        switch baseline {
        case .zero:
            return [Float](repeating: 0, count: config.channels * plane)
        case .black:
            guard let normalization = context.normalization, config.channels == 3 else {
                throw .unsupportedModel(
                    method: id,
                    reason: "baseline=black needs the input's normalisation (mean and std per channel) of an RGB "
                        + "input, which this context was not given")
            }
            var values = [Float](repeating: 0, count: config.channels * plane)
            for channel in 0..<config.channels {
                let black = normalization.normalized(0, channel: channel)
                for index in 0..<plane { values[channel * plane + index] = black }
            }
            return values
        }
    }
}
