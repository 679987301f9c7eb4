import Tensor
import ViT

extension ExplanationContext {
    /// The bytes of every product the context holds now (trace, gradients, relevances, batched results).
    public var heldBytes: Int {
        var floats = 0
        if let cachedTrace { floats += Self.floats(in: cachedTrace) }
        for gradients in cachedGradients.values {
            floats += gradients.logits.count + gradients.embeddings.count + gradients.input.count
            for block in gradients.blocks {
                floats += block.attention.count + block.scores.count + block.blockInput.count
            }
        }
        for relevance in cachedRelevance.values {
            floats += relevance.attention.reduce(0) { $0 + $1.count }
            floats += relevance.blockInputs.reduce(0) { $0 + $1.count } + (relevance.pixels?.count ?? 0)
        }
        floats += cachedBatches.values.reduce(0) { $0 + $1.count }
        return floats * MemoryLayout<Float>.size + cachedLRPForward.values.reduce(0) { $0 + $1.heldBytes }
    }

    /// Drops every product that none of `later` (the products the methods still to run on this context will ask
    /// for) needs, so a run's memory follows what is still to come instead of growing with every method: the
    /// trace goes once no later product is the forward or has yet to be computed from it. A dropped product
    /// asked for again is recomputed, with the same values.
    public func release(keepingWhat later: [TraceProduct]) {
        var keepsTrace = false
        var gradientKeys = Set<GradientKey>()
        var relevanceKeys = Set<RelevanceKey>()
        var lrpForwards = Set<LRPFinalNorm>()
        var batchNames = Set<String>()
        for product in later {
            switch product {
            case .forward:
                keepsTrace = true
            case .gradients(let target, let mode):
                let key = GradientKey(target: target, mode: mode)
                gradientKeys.insert(key)
                if cachedGradients[key] == nil { keepsTrace = true }
            case .relevance(let rules, let toPixels, let finalNorm):
                // The pass runs its own float64 forward from the input, so it needs no trace.
                let key = RelevanceKey(rules: rules, toPixels: toPixels, finalNorm: finalNorm)
                let withPixels = RelevanceKey(rules: rules, toPixels: true, finalNorm: finalNorm)
                if cachedRelevance[key] == nil, !toPixels, cachedRelevance[withPixels] != nil {
                    relevanceKeys.insert(withPixels)
                } else {
                    relevanceKeys.insert(key)
                    if cachedRelevance[key] == nil { lrpForwards.insert(finalNorm) }
                }
            case .batchedGradients(let name, _):
                batchNames.insert(name)
            }
        }
        if !keepsTrace { cachedTrace = nil }
        cachedGradients = cachedGradients.filter { gradientKeys.contains($0.key) }
        cachedRelevance = cachedRelevance.filter { relevanceKeys.contains($0.key) }
        cachedLRPForward = cachedLRPForward.filter { lrpForwards.contains($0.key) }
        cachedBatches = cachedBatches.filter { batchNames.contains($0.key) }
    }

    private static func floats(in trace: ViTTrace) -> Int {
        var floats = trace.input.count + trace.embeddings.count + trace.finalNorm.count + trace.logits.count
        // A block's input is the previous block's output (one storage; the first is the embeddings), so inputs are
        // not counted again.
        for block in trace.blocks {
            floats += block.norm1.count + block.query.count + block.key.count + block.value.count
            floats += block.scores.count + block.attention.count + block.context.count + block.afterAttention.count
            floats += block.norm2.count + block.hiddenPreActivation.count + block.hidden.count + block.output.count
        }
        return floats
    }
}
