import Tensor
import ViT

/// Transition Attention Maps (TAM; Yuan et al., 2021) as the official
/// `XianrenYty/Transition_Attention_Maps/baselines/ViT/interpret_methods.py::transition_attention_maps` computes it
/// (methods.md §5.1): the Markov chain `states = CLS row of mean_h A_L`, then for `i = L−2` down to `start`
/// (0-based) `states ← states · Ā_i + states`; the reasoning weights `W = clamp(mean over 20 steps of ∇A_L at
/// α · x, min 0)`, head mean, CLS row (``IntegratedAttentionGradient``); map = `(states ⊙ W)` at the patch
/// columns, `[g, g]`. Needs forward + the shared integrated-gradient batch.
///
/// `start=4` is the official default (InterpretDL's `TAMInterpreter` too); a start at or beyond `L − 1` leaves the
/// chain at the last block's attention, as the code's empty loop does. `steps=20` is the official integral;
/// `grad=logit` is the official target (InterpretDL differentiates the probability: `grad=probability`).
package struct TransitionAttentionMaps: ExplanationMethod {
    package let id: String
    package let startLayer: Int
    package let steps: Int
    package let gradientOf: GradientOf

    package static let start = SharedMethodOptions.start(
        default: 4, help: "0-based last block of the chain (official default)")

    package static let descriptor = MethodDescriptor(
        id: "tam",
        summary: "Transition attention maps: attention Markov chain x integrated last-block attention gradient",
        citation: "Yuan et al., Explaining Information Flow Inside ViTs Using Markov Chain, 2021 (official code)",
        passes: "forward + integrated-gradient batch (steps images)",
        options: [start, IntegratedAttentionGradient.steps, SharedMethodOptions.grad], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        TransitionAttentionMaps(options)
    }

    init(_ options: MethodOptions) {
        id = options.id
        startLayer = options[Self.start]
        steps = options[IntegratedAttentionGradient.steps]
        gradientOf = options[SharedMethodOptions.grad]
    }

    package func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, IntegratedAttentionGradient.product(steps: steps, gradientOf: gradientOf)]
    }

    package func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let config = context.config
        let blocks = context.trace.blocks
        guard let last = blocks.last else { throw .unsupportedModel(method: id, reason: "the model has no blocks") }
        var states = TokenMatrix.row(PatchGrid.headMean(last.attention), 0)
        let tokens = config.tokens
        if startLayer < config.depth - 1 {
            for block in (startLayer..<(config.depth - 1)).reversed() {
                let mean = PatchGrid.headMean(blocks[block].attention)
                let moved = Tensor.matmul(Tensor(shape: [1, tokens], storage: states), mean)
                for index in 0..<tokens { states[index] += moved.storage[index] }
            }
        }
        let weights = TokenMatrix.row(
            IntegratedAttentionGradient.weights(context, steps: steps, gradientOf: gradientOf), 0)
        let map = (0..<tokens).map { states[$0] * weights[$0] }
        return PatchGrid.patches(of: map, config: config)
    }
}
