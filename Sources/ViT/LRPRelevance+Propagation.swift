import Tensor

extension LRPRelevance {
    /// Propagates the one-hot relevance of `classIndex` from the logits of the image of `forward` (its float64
    /// forward, ``LRPForward``) back through the model of `weights`, as Chefer's `VisionTransformer.relprop`
    /// does after `model.double()` (methods.md §2.4), with float64 rules; the results are rounded to float32 at
    /// the end.
    ///
    /// Order: head (Linear rule on the pooled token) → `IndexSelect` (to token 0 only, as `x ⊙ safe_div(R, x)`)
    /// → final LayerNorm (identity) → blocks last to first → with `toPixels`, the position-embedding add (the
    /// token part kept), the prefix tokens dropped, the patch embedding's z^B rule. Each block: `add2` → MLP
    /// (`fc2`, GELU identity, `fc1`, `norm2` identity) → `clone2` → `add1` → attention (`proj`, `A·V`, softmax
    /// identity, `q·kᵀ`, `qkv`, `norm1` identity) → `clone1`.
    ///
    /// Distilled DeiT (no counterpart in Chefer's code): the logits are `(head(x₀) + head_dist(x₁)) / 2`, so each
    /// classifier receives the one-hot relevance times 1/2 and its pooling sends it to its own token (0 or 1).
    ///
    /// Until the last block's attention only the prefix rows carry relevance; those rows alone go through the
    /// last block's MLP and `proj` (the other rows' rules would give exact zeros).
    package init(
        weights: ViTWeights, forward: LRPForward, classIndex: Int, rules: LRPRules, toPixels: Bool
    ) {
        let config = weights.config
        let tokens = config.tokens
        let width = config.embedDim
        let heads = config.heads
        let hiddenWidth = config.mlpDim
        let tokenValues = tokens * width
        precondition(classIndex >= 0 && classIndex < config.classes, "LRP: class \(classIndex) of \(config.classes)")
        let workspace = LRPWorkspace()
        let current = workspace.buffer(.relevance, count: tokenValues)
        current.initialize(repeating: 0, count: tokenValues)

        // Classifier head(s) and the CLS (and distillation) pooling.
        var classifiers = [(weight: weights.headWeight, token: 0)]
        if config.distilled {
            guard let distillationHead = weights.distillationHeadWeight else {
                preconditionFailure("LRP: a distilled configuration without head_dist weights")
            }
            classifiers.append((weight: distillationHead, token: 1))
        }
        let oneHot = workspace.buffer(.classifier, count: config.classes)
        oneHot.initialize(repeating: 0, count: config.classes)
        oneHot[classIndex] = 1 / Double(classifiers.count)
        let pooled = workspace.buffer(.pooled, count: width)
        for classifier in classifiers {
            let pooledToken = forward.finalNorm.pointer + classifier.token * width
            classifier.weight.withPointer { headWeight in
                LRPLayers.linear(
                    rules: rules, rows: 1, inputs: width, outputs: config.classes, input: pooledToken,
                    weight: headWeight, relevance: oneHot, result: pooled, workspace: workspace)
            }
            let row = current + classifier.token * width
            for column in 0..<width {
                row[column] = pooledToken[column] * LRPLayers.safeDivide(pooled[column], pooledToken[column])
            }
        }

        // Blocks, last to first.
        var activeRows = classifiers.count
        var attentionRelevances = [Tensor]()
        var blockRelevances = [Tensor]()
        let skip = workspace.buffer(.skip, count: tokenValues)
        let branch = workspace.buffer(.branch, count: tokenValues)
        let hidden = workspace.buffer(.hidden, count: tokens * hiddenWidth)
        let normalized = workspace.buffer(.normalized, count: tokenValues)
        let context = workspace.buffer(.context, count: tokenValues)
        let qkv = workspace.buffer(.qkv, count: 3 * tokenValues)
        for (blockIndex, blockWeights) in weights.blocks.enumerated().reversed() {
            if activeRows < tokens {
                // Rows past `activeRows` are read whole by the attention rule and `clone1`: they must be zeros.
                skip.initialize(repeating: 0, count: tokenValues)
                context.initialize(repeating: 0, count: tokenValues)
            }
            let rows = activeRows
            let activeValues = rows * width
            let widened = Float64BlockWeights(blockWeights)
            let block = forward.activations(ofBlock: blockIndex, weights: widened)
            let (input, norm1, query, key, value) = (
                block.input.pointer, block.norm1.pointer, block.query.pointer, block.key.pointer, block.value.pointer
            )
            let (probabilities, attentionContext, afterAttention, norm2, hiddenActivations, output) = (
                block.attention.pointer, block.context.pointer, block.afterAttention.pointer, block.norm2.pointer,
                block.hidden.pointer, block.output.pointer
            )
            widened.withWeightPointers { qkvWeight, projWeight, fc1Weight, fc2Weight in
                // add2: output = afterAttention + mlp(norm2(afterAttention)); MLP; clone2.
                LRPLayers.add(
                    rules: rules, count: activeValues, first: afterAttention, total: output, relevance: current,
                    firstResult: skip, secondResult: branch)
                LRPLayers.linear(
                    rules: rules, rows: rows, inputs: hiddenWidth, outputs: width, input: hiddenActivations,
                    weight: fc2Weight, relevance: branch, result: hidden, workspace: workspace)
                LRPLayers.linear(
                    rules: rules, rows: rows, inputs: width, outputs: hiddenWidth, input: norm2, weight: fc1Weight,
                    relevance: hidden, result: normalized, workspace: workspace)
                LRPLayers.clone(
                    count: activeValues, input: afterAttention, skip: skip, branch: normalized, result: current)

                // add1: afterAttention = input + attn(norm1(input)); attention; clone1.
                LRPLayers.add(
                    rules: rules, count: activeValues, first: input, total: afterAttention, relevance: current,
                    firstResult: skip, secondResult: branch)
                LRPLayers.linear(
                    rules: rules, rows: rows, inputs: width, outputs: width, input: attentionContext,
                    weight: projWeight, relevance: branch, result: context, workspace: workspace)
                let attentionRelevance = workspace.buffer(.attentionRelevance, count: heads * tokens * tokens)
                LRPLayers.attention(
                    heads: heads, tokens: tokens, width: width, query: query, key: key, value: value,
                    attention: probabilities, context: attentionContext, relevance: context,
                    attentionResult: attentionRelevance, qkvResult: qkv, workspace: workspace)
                attentionRelevances.append(
                    Tensor(shape: [heads, tokens, tokens]) { result in
                        for index in 0..<heads * tokens * tokens { result[index] = Float(attentionRelevance[index]) }
                    })
                LRPLayers.linear(
                    rules: rules, rows: tokens, inputs: width, outputs: 3 * width, input: norm1, weight: qkvWeight,
                    relevance: qkv, result: normalized, workspace: workspace)
                LRPLayers.clone(count: tokenValues, input: input, skip: skip, branch: normalized, result: current)
            }
            activeRows = tokens
            blockRelevances.append(
                Tensor(shape: [tokens, width]) { result in
                    for index in 0..<tokenValues { result[index] = Float(current[index]) }
                })
        }
        attentionRelevances.reverse()
        blockRelevances.reverse()

        var pixels: Tensor?
        if toPixels {
            pixels = Self.pixelRelevance(
                config: config, forward: forward, rules: rules, relevance: current, workspace: workspace)
        }
        self.init(attention: attentionRelevances, blockInputs: blockRelevances, pixels: pixels)
    }

    /// `[C, S, S]`: the relevance at the input pixels from the relevance at the embeddings `relevance` `[N, D]`:
    /// the position-embedding add (Chefer's `VisionTransformer.add`, whose position share is dropped), the patch
    /// tokens only, then the patch embedding's z^B rule.
    private static func pixelRelevance(
        config: ViTConfig, forward: LRPForward, rules: LRPRules, relevance: UnsafePointer<Double>,
        workspace: LRPWorkspace
    ) -> Tensor {
        let tokenValues = config.tokens * config.embedDim
        let prefixValues = config.prefixTokens * config.embedDim
        let pixelCount = config.channels * config.imageSize * config.imageSize
        let tokenRelevance = workspace.buffer(.skip, count: tokenValues)
        LRPLayers.add(
            rules: rules, count: tokenValues, first: forward.tokensBeforePosition.pointer,
            total: forward.embeddings.pointer, relevance: relevance, firstResult: tokenRelevance, secondResult: nil)
        let result = workspace.buffer(.pixels, count: pixelCount)
        LRPLayers.patchEmbedding(
            config: config, image: forward.image.pointer, patches: forward.patches.pointer,
            convolved: forward.convolved.pointer, patchWeight: forward.patchWeight.pointer,
            relevance: tokenRelevance + prefixValues, result: result, workspace: workspace)
        return Tensor(shape: [config.channels, config.imageSize, config.imageSize]) { target in
            for index in 0..<pixelCount { target[index] = Float(result[index]) }
        }
    }
}
