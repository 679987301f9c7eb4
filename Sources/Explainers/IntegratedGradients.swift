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
///   context's ``PixelNormalization``.
/// - `reduce=signed` (default): the signed channel sum; `abs`, `sum`, `max` as ``ChannelReduction`` says.
/// - `grad=logit` (default) or `probability`.
/// - All steps run as one batch of extra passes (``ExplanationContext/batched(_:images:compute:)``), `batch=2`
///   images per forward + backward chunk (``defaultBatchSize`` says why).
public struct IntegratedGradients: ExplanationMethod {
    /// Where the path starts.
    public enum Baseline: String, Sendable, CaseIterable {
        case zero
        case black
    }

    public let id: String
    public let steps: Int
    public let rule: IntegrationRule
    public let baseline: Baseline
    public let gradientOf: GradientOf
    public let reduction: ChannelReduction
    /// Images per forward + backward chunk.
    public let batchSize: Int

    /// The default images per forward + backward chunk of every batched pass (IG, SmoothGrad, the attention
    /// integral of TAM and BT): on ViT-B/16 a chunk of 2 is as fast as one of 8 (29 s against 31 s for 50 steps)
    /// and holds ~1 GB instead of 2.35 GB, since each image's trace and gradients take ~210 MB.
    public static let defaultBatchSize = 2

    public init(
        steps: Int = 50, rule: IntegrationRule = .gausslegendre, baseline: Baseline = .zero,
        gradientOf: GradientOf = .logit, reduction: ChannelReduction = .signed,
        batchSize: Int = IntegratedGradients.defaultBatchSize
    ) {
        precondition(steps >= rule.minimumSteps && batchSize > 0, "IntegratedGradients: bad steps or batch size")
        self.steps = steps
        self.rule = rule
        self.baseline = baseline
        self.gradientOf = gradientOf
        self.reduction = reduction
        self.batchSize = batchSize
        var id = "integrated-gradients"
        if steps != 50 { id += ":steps=\(steps)" }
        if rule != .gausslegendre { id += ":rule=\(rule.rawValue)" }
        if baseline != .zero { id += ":baseline=\(baseline.rawValue)" }
        if reduction != .signed { id += ":reduce=\(reduction.rawValue)" }
        if gradientOf != .logit { id += ":grad=\(gradientOf.rawValue)" }
        self.id = id
    }

    public static let descriptor = MethodDescriptor(
        id: "integrated-gradients",
        summary: "Path-integrated input gradients times (input - baseline), summed over channels (pixel level)",
        citation: "Sundararajan et al., ICML 2017; Captum IntegratedGradients (defaults n_steps=50, gausslegendre)",
        passes: "steps x (forward + backward), batched",
        options: [
            "steps=50: points on the path",
            "rule=gausslegendre: gausslegendre, riemann_left, riemann_right, riemann_middle or riemann_trapezoid",
            "baseline=zero: zero (normalised space, mean grey) or black (pixel 0)",
            "reduce=signed: channel reduction, signed, abs, sum or max",
            "grad=logit: differentiate the logit or the probability",
            "batch=\(IntegratedGradients.defaultBatchSize): images per forward + backward chunk "
                + "(memory only; the map does not change)",
        ],
        isClassSpecific: true
    ) { (options: inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        let rule = try options.choice("rule", default: IntegrationRule.gausslegendre)
        return IntegratedGradients(
            steps: try options.integer("steps", default: 50, in: rule.minimumSteps...4096), rule: rule,
            baseline: try options.choice("baseline", default: Baseline.zero),
            gradientOf: try options.choice("grad", default: GradientOf.logit),
            reduction: try options.choice("reduce", default: ChannelReduction.signed),
            batchSize: try options.integer("batch", default: IntegratedGradients.defaultBatchSize, in: 1...1024))
    }

    /// The name of the batched pass: every option that changes the gradients.
    private var passName: String {
        "integrated-gradients(steps=\(steps), \(rule.rawValue), \(baseline.rawValue), \(gradientOf.rawValue))"
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.batchedGradients(passName, images: steps)]
    }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let start = try baselineInput(context)
        let (alphas, weights) = rule.nodes(steps: steps)
        let target = gradientOf.backwardTarget
        let integral = context.batched(passName, images: steps) { model, input, targetClass in
            var sum = [Float](repeating: 0, count: input.count)
            let difference = zip(input.storage, start).map { $0 - $1 }
            InputGradientBatch.run(
                model: model, images: steps, chunk: batchSize, targetClass: targetClass, target: target,
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
            guard let normalization = context.normalization, normalization.mean.count == config.channels else {
                throw .unsupportedModel(
                    method: id,
                    reason: "baseline=black needs the input's normalisation (mean and std per channel), "
                        + "which this context was not given")
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
