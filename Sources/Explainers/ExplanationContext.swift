import Imaging
import Tensor
import ViT

/// One image, one model and one target class, with the engine's passes computed on first use and shared.
///
/// Methods never call the model themselves: they ask the context for a ``TraceProduct`` and get the memoised
/// result, so explaining an image with ten methods costs one forward, one backward of each kind that some
/// method needs, and one LRP pass of each rule set. ``passes`` records every pass actually run (a test counts
/// them). A context is used by one thread at a time.
public final class ExplanationContext {
    /// The model the maps explain.
    public let model: ViTModel
    /// The preprocessed image, `[1, C, S, S]` normalised pixels.
    public let input: Tensor
    /// The class every class-specific method explains.
    public let targetClass: Int
    /// The image's id (file stem or dataset id), for methods that read per-image files (``ExternalMaps``) or
    /// seed per image (``RandomBaseline``); nil when unknown.
    public let imageID: String?
    /// The `Normalize` that made ``input`` from `[0, 1]` pixels, for methods that need a pixel-space value
    /// (integrated gradients' black baseline); nil when unknown.
    public let normalization: ChannelNormalization?

    /// Every pass run so far, in order.
    public private(set) var passes: [TraceProduct] = []

    /// The run's memory target, which sizes the chunks of the batched passes (``BatchedPasses``).
    public var passMemory = PassMemory()

    // The memoised products; ``release(keepingWhat:)`` (ExplanationContext+Memory.swift) drops those no later
    // method needs.
    var cachedTrace: ViTTrace?
    var cachedGradients: [GradientKey: ViTGradients] = [:]
    var cachedRelevance: [RelevanceKey: LRPRelevance] = [:]
    /// The float64 forward of the LRP passes, one per final-norm epsilon, shared by both rule sets.
    var cachedLRPForward: [LRPFinalNorm: LRPForward] = [:]
    var cachedBatches: [String: Tensor] = [:]

    /// Sets up a context; no pass runs until a method asks. `input` must be `[1, C, S, S]` for `model`.
    public init(
        model: ViTModel, input: Tensor, targetClass: Int, imageID: String? = nil,
        normalization: ChannelNormalization? = nil
    ) throws(ExplainerError) {
        let config = model.config
        let expected = [1, config.channels, config.imageSize, config.imageSize]
        guard input.shape == expected else {
            throw .inputShape(expected: expected, found: input.shape)
        }
        guard (0..<config.classes).contains(targetClass) else {
            throw .classOutOfRange(targetClass, classes: config.classes)
        }
        self.model = model
        self.input = input
        self.targetClass = targetClass
        self.imageID = imageID
        self.normalization = normalization
    }

    /// Sets up a context around a forward pass already run on `input` (for example the one that chose the
    /// predicted class), so it is not run again.
    public convenience init(
        model: ViTModel, trace: ViTTrace, targetClass: Int, imageID: String? = nil,
        normalization: ChannelNormalization? = nil
    ) throws(ExplainerError) {
        try self.init(
            model: model, input: trace.input, targetClass: targetClass, imageID: imageID,
            normalization: normalization)
        cachedTrace = trace
    }

    /// The model's geometry.
    public var config: ViTConfig { model.config }

    /// The forward trace of the input (one forward pass, run once).
    public var trace: ViTTrace {
        if let cachedTrace { return cachedTrace }
        let trace = model.forward(input)
        passes.append(.forward)
        cachedTrace = trace
        return trace
    }

    /// The gradients of the target class's logit or probability (one backward pass per `(target, mode)`).
    public func gradients(target: BackwardTarget = .logit, mode: BackwardMode = .standard) -> ViTGradients {
        let key = GradientKey(target: target, mode: mode)
        if let cached = cachedGradients[key] { return cached }
        let gradients = model.backward(trace, classes: [targetClass], target: target, mode: mode)
        passes.append(.gradients(target, mode))
        cachedGradients[key] = gradients
        return gradients
    }

    /// Chefer's LRP relevances for the target class (one pass per rule set and final-norm epsilon; a pixel-level
    /// pass also serves requests that do not need the pixels).
    ///
    /// The pass reads a float64 forward of ``input`` (``ViTModel/lrpForward(_:batchIndex:finalNorm:budgetBytes:)``),
    /// made once and shared by both rule sets, which keeps the float64 activations of the last blocks that fit
    /// what ``passMemory`` leaves beside the weights and what this context holds, and recomputes the others.
    public func relevance(
        rules: LRPRules, toPixels: Bool = false, finalNorm: LRPFinalNorm = .model
    ) -> LRPRelevance {
        let key = RelevanceKey(rules: rules, toPixels: toPixels, finalNorm: finalNorm)
        if let cached = cachedRelevance[key] { return cached }
        if !toPixels, let cached = cachedRelevance[RelevanceKey(rules: rules, toPixels: true, finalNorm: finalNorm)] {
            return cached
        }
        let forward =
            cachedLRPForward[finalNorm]
            ?? model.lrpForward(
                input, finalNorm: finalNorm,
                budgetBytes: passMemory.spareBytes(
                    modelBytes: config.parameterCount * MemoryLayout<Float>.size, heldBytes: heldBytes))
        cachedLRPForward[finalNorm] = forward
        let relevance = model.relevance(forward, classIndex: targetClass, rules: rules, toPixels: toPixels)
        passes.append(.relevance(rules, toPixels: toPixels, finalNorm: finalNorm))
        cachedRelevance[key] = relevance
        return relevance
    }

    /// A product of a batch of extra passes, computed once per `name` by `compute` (which receives the model,
    /// the input and the target class) and recorded as `.batchedGradients(name, images:)`.
    ///
    /// Methods that share an integral (TAM, BT-H and BT-C all integrate the last block's attention gradient
    /// over the same 20 steps) use the same `name` and so share the passes.
    public func batched(
        _ name: String, images: Int, compute: (ViTModel, Tensor, Int) -> Tensor
    ) -> Tensor {
        if let cached = cachedBatches[name] { return cached }
        let product = compute(model, input, targetClass)
        passes.append(.batchedGradients(name, images: images))
        cachedBatches[name] = product
        return product
    }

    struct GradientKey: Hashable {
        var target: BackwardTarget
        var mode: BackwardMode
    }

    struct RelevanceKey: Hashable {
        var rules: LRPRules
        var toPixels: Bool
        var finalNorm: LRPFinalNorm
    }
}
