import Tensor

extension LRPRelevance {
    /// Propagates the one-hot relevance of `classIndex` from the logits of image `batchIndex` of `trace` back
    /// through the model of `weights`, as Chefer's `VisionTransformer.relprop` does (methods.md §2.4).
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
        weights: ViTWeights, trace: ViTTrace, batchIndex: Int, classIndex: Int, rules: LRPRules, toPixels: Bool
    ) {
        let config = weights.config
        let tokens = config.tokens
        let width = config.embedDim
        let heads = config.heads
        let hiddenWidth = config.mlpDim
        let tokenValues = tokens * width
        let batch = trace.logits.shape[0]
        precondition(batchIndex >= 0 && batchIndex < batch, "LRP: image \(batchIndex) of a batch of \(batch)")
        precondition(classIndex >= 0 && classIndex < config.classes, "LRP: class \(classIndex) of \(config.classes)")
        precondition(trace.blocks.count == config.depth, "LRP: \(trace.blocks.count) traced blocks, \(config.depth)")
        precondition(trace.finalNorm.shape == [batch, tokens, width], "LRP: final norm \(trace.finalNorm.shape)")
        let workspace = LRPWorkspace()
        let tokenOffset = batchIndex * tokenValues
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
        oneHot[classIndex] = 1 / Float(classifiers.count)
        let pooled = workspace.buffer(.pooled, count: width)
        trace.finalNorm.withPointer { finalNorm in
            for classifier in classifiers {
                let pooledToken = finalNorm + tokenOffset + classifier.token * width
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
        for (blockTrace, blockWeights) in zip(trace.blocks, weights.blocks).reversed() {
            if activeRows < tokens {
                // Rows past `activeRows` are read whole by the attention rule and `clone1`: they must be zeros.
                skip.initialize(repeating: 0, count: tokenValues)
                context.initialize(repeating: 0, count: tokenValues)
            }
            let rows = activeRows
            let activeValues = rows * width
            let traced = [
                blockTrace.input, blockTrace.norm1, blockTrace.query, blockTrace.key, blockTrace.value,
                blockTrace.attention, blockTrace.context, blockTrace.afterAttention, blockTrace.norm2,
                blockTrace.hidden, blockTrace.output, blockWeights.qkvWeight, blockWeights.projWeight,
                blockWeights.fc1Weight, blockWeights.fc2Weight,
            ]
            let attention = withTensorPointers(traced) { pointers -> Tensor in
                let input = pointers[0] + tokenOffset
                let norm1 = pointers[1] + tokenOffset
                let query = pointers[2] + tokenOffset
                let key = pointers[3] + tokenOffset
                let value = pointers[4] + tokenOffset
                let probabilities = pointers[5] + batchIndex * heads * tokens * tokens
                let attentionContext = pointers[6] + tokenOffset
                let afterAttention = pointers[7] + tokenOffset
                let norm2 = pointers[8] + tokenOffset
                let hiddenActivations = pointers[9] + batchIndex * tokens * hiddenWidth
                let output = pointers[10] + tokenOffset
                let (qkvWeight, projWeight, fc1Weight, fc2Weight) = (
                    pointers[11], pointers[12], pointers[13], pointers[14]
                )

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
                let attentionRelevance = Tensor(shape: [heads, tokens, tokens]) { result in
                    LRPLayers.attention(
                        heads: heads, tokens: tokens, width: width, query: query, key: key, value: value,
                        attention: probabilities, context: attentionContext, relevance: context,
                        attentionResult: result, qkvResult: qkv, workspace: workspace)
                }
                LRPLayers.linear(
                    rules: rules, rows: tokens, inputs: width, outputs: 3 * width, input: norm1, weight: qkvWeight,
                    relevance: qkv, result: normalized, workspace: workspace)
                LRPLayers.clone(count: tokenValues, input: input, skip: skip, branch: normalized, result: current)
                return attentionRelevance
            }
            activeRows = tokens
            attentionRelevances.append(attention)
            blockRelevances.append(Tensor(shape: [tokens, width]) { $0.update(from: current, count: tokenValues) })
        }
        attentionRelevances.reverse()
        blockRelevances.reverse()

        var pixels: Tensor?
        if toPixels {
            pixels = Self.pixelRelevance(
                weights: weights, trace: trace, batchIndex: batchIndex, rules: rules, relevance: current,
                workspace: workspace)
        }
        self.init(attention: attentionRelevances, blockInputs: blockRelevances, pixels: pixels)
    }

    /// `[C, S, S]`: the relevance at the input pixels from the relevance at the embeddings `relevance` `[N, D]`:
    /// the position-embedding add (Chefer's `VisionTransformer.add`, whose position share is dropped), the patch
    /// tokens only, then the patch embedding's z^B rule.
    private static func pixelRelevance(
        weights: ViTWeights, trace: ViTTrace, batchIndex: Int, rules: LRPRules, relevance: UnsafePointer<Float>,
        workspace: LRPWorkspace
    ) -> Tensor {
        let config = weights.config
        let width = config.embedDim
        let tokenValues = config.tokens * width
        let prefixValues = config.prefixTokens * width
        let pixelCount = config.channels * config.imageSize * config.imageSize
        let patches = workspace.buffer(.patches, count: config.patchCount * config.patchValues)
        let convolved = workspace.buffer(.convolved, count: config.patchCount * width)
        let tokenValuesBeforePosition = workspace.buffer(.tokens, count: tokenValues)
        let tokenRelevance = workspace.buffer(.skip, count: tokenValues)
        var prefix = [weights.classToken]
        if config.distilled, let distillationToken = weights.distillationToken { prefix.append(distillationToken) }
        precondition(prefix.count == config.prefixTokens, "LRP: a distilled configuration without dist_token")
        let operands = [trace.input, trace.embeddings, weights.patchWeight, weights.patchBias] + prefix
        return withTensorPointers(operands) { pointers in
            let image = pointers[0] + batchIndex * pixelCount
            let embeddings = pointers[1] + batchIndex * tokenValues
            let (patchWeight, patchBias) = (pointers[2], pointers[3])
            LRPLayers.patchProjection(
                config: config, image: image, patchWeight: patchWeight, patches: patches, convolved: convolved)
            // The tokens the position embedding is added to: prefix tokens, then conv(x, W) + bias.
            for (index, token) in pointers[4...].enumerated() {
                (tokenValuesBeforePosition + index * width).update(from: token, count: width)
            }
            for patch in 0..<config.patchCount {
                let target = tokenValuesBeforePosition + prefixValues + patch * width
                let source = convolved + patch * width
                for column in 0..<width { target[column] = source[column] + patchBias[column] }
            }
            LRPLayers.add(
                rules: rules, count: tokenValues, first: tokenValuesBeforePosition, total: embeddings,
                relevance: relevance, firstResult: tokenRelevance, secondResult: nil)
            return Tensor(shape: [config.channels, config.imageSize, config.imageSize]) { result in
                LRPLayers.patchEmbedding(
                    config: config, image: image, patches: patches, convolved: convolved, patchWeight: patchWeight,
                    relevance: tokenRelevance + prefixValues, result: result, workspace: workspace)
            }
        }
    }
}
