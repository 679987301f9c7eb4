import Tensor

extension ViTModel {
    /// Gradients of one scalar per image (`target` of `classes[b]`) with respect to every block's attention `A`,
    /// scores `S` and input tokens, the embeddings and the input pixels, from a ``ViTTrace`` of this model.
    ///
    /// Hand-written reverse mode of ``forward(_:)`` with no weight gradients (the `dW` GEMMs are skipped), batched:
    /// image `b` gets the gradient of its own target, so `B` integrated-gradients steps run as one pass. `mode`
    /// picks the model's own graph or the AG-CAM detached one (``BackwardMode``). Matches PyTorch autograd on
    /// timm's model (see `Tests/ViTTests/BackwardParityTests.swift`).
    public func backward(
        _ trace: ViTTrace, classes: [Int], target: BackwardTarget = .logit, mode: BackwardMode = .standard
    ) -> ViTGradients {
        precondition(classes.count == trace.logits.shape[0], "backward: \(classes.count) classes for the batch")
        precondition(classes.allSatisfy { (0..<config.classes).contains($0) }, "backward: class out of range")
        precondition(trace.blocks.count == weights.blocks.count, "backward: a trace of another model")
        // The detached graph's gradients live on the prefix rows only: a pass over those rows is exact and ~N x
        // cheaper (ViTModel+DetachedBackward.swift).
        if mode == .detachedAttentionInputs { return detachedBackward(trace, classes: classes, target: target) }
        return allRowsBackward(trace, classes: classes, target: target, mode: mode)
    }

    /// The backward over every token row, for either mode (the detached mode's reference in tests).
    func allRowsBackward(_ trace: ViTTrace, classes: [Int], target: BackwardTarget, mode: BackwardMode)
        -> ViTGradients
    {
        let batch = trace.logits.shape[0]
        let classCount = config.classes
        precondition(classes.count == batch, "backward: \(classes.count) classes for a batch of \(batch)")
        precondition(classes.allSatisfy { (0..<classCount).contains($0) }, "backward: class out of 0..<\(classCount)")
        precondition(trace.blocks.count == weights.blocks.count, "backward: a trace of another model")

        let seed = logitGradient(trace.logits, classes: classes, target: target)
        var stream = headBackward(seed, trace: trace, batch: batch)
        var blocks: [BlockGradients] = []
        blocks.reserveCapacity(trace.blocks.count)
        for (block, blockWeights) in zip(trace.blocks, weights.blocks).reversed() {
            let gradients = backwardBlock(stream, trace: block, batch: batch, weights: blockWeights, mode: mode)
            stream = gradients.blockInput
            blocks.append(gradients)
        }
        blocks.reverse()
        return ViTGradients(
            logits: seed, blocks: blocks, embeddings: stream, input: embeddingBackward(stream, batch: batch))
    }

    /// dL/dlogits `[B, classes]`: one-hot at `classes[b]` for `.logit`; for `.probability`, with
    /// `p = softmax(logits[b])` and `c = classes[b]`, `dp_c/dz_j = p_c (δ_cj - p_j)`.
    func logitGradient(_ logits: Tensor, classes: [Int], target: BackwardTarget) -> Tensor {
        let classCount = logits.shape[1]
        switch target {
        case .logit:
            var seed = Tensor(zeros: logits.shape)
            for (image, index) in classes.enumerated() { seed.storage[image * classCount + index] = 1 }
            return seed
        case .probability:
            var seed = logits.softmax()
            for (image, index) in classes.enumerated() {
                let row = image * classCount
                let chosen = seed.storage[row + index]
                for column in 0..<classCount {
                    let probability = seed.storage[row + column]
                    seed.storage[row + column] = chosen * ((column == index ? 1 : 0) - probability)
                }
            }
            return seed
        }
    }

    /// The stream gradient after the last block `[B, N, D]` from dL/dlogits: through the head (or both heads,
    /// halved, for distilled models) into the prefix tokens of the final norm, then through that norm. Only the
    /// prefix rows are non-zero.
    func headBackward(_ seed: Tensor, trace: ViTTrace, batch: Int) -> Tensor {
        let tokens = config.tokens
        let width = config.embedDim
        var heads: [(token: Int, weight: Tensor)] = [(0, weights.headWeight)]
        if config.distilled, let distillationWeight = weights.distillationHeadWeight {
            heads.append((1, distillationWeight))
        }
        let share = 1 / Float(heads.count)
        let prefix = heads.count
        var normGradient = Tensor(zeros: [batch, prefix, width])
        for (token, weight) in heads {
            let tokenGradient = Self.linearBackward(seed, rows: batch, weight: weight)
            for image in 0..<batch {
                for column in 0..<width {
                    normGradient.storage[(image * prefix + token) * width + column] =
                        share * tokenGradient.storage[image * width + column]
                }
            }
        }
        let finalInput = trace.blocks.last?.output ?? trace.embeddings
        var streamGradient = Tensor(zeros: [batch, tokens, width])
        finalInput.withPointer { finalInput in
            weights.normWeight.withPointer { normWeight in
                normGradient.withPointer { normGradient in
                    streamGradient.withMutablePointer { streamGradient in
                        for image in 0..<batch {
                            Tensor.Kernels.layerNormBackward(
                                rows: prefix, width: width, input: finalInput + image * tokens * width,
                                weight: normWeight, epsilon: config.layerNormEpsilon,
                                outputGradient: normGradient + image * prefix * width,
                                inputGradient: streamGradient + image * tokens * width, accumulate: false)
                        }
                    }
                }
            }
        }
        return streamGradient
    }

    /// dL/d(pixels) `[B, C, S, S]` from dL/d(embeddings) `[B, N, D]`: the patch tokens' gradient through the
    /// patch-embedding GEMM (`dcols = dtokens · W`) and the im2col scatter. The position embedding and prefix
    /// tokens are parameters, so nothing else flows on.
    func embeddingBackward(_ embeddingGradient: Tensor, batch: Int) -> Tensor {
        let tokens = config.tokens
        let prefix = config.prefixTokens
        let patches = config.patchCount
        let width = config.embedDim
        let patchValues = config.patchValues
        let columns = Tensor(shape: [batch * patches, patchValues]) { columns in
            guard patches > 0 else { return }
            embeddingGradient.withPointer { gradient in
                weights.patchWeight.withPointer { patchWeight in
                    for image in 0..<batch {
                        BLAS.gemmSplittingColumns(
                            m: patches, n: patchValues, k: width, a: gradient + (image * tokens + prefix) * width,
                            lda: width, b: patchWeight, ldb: patchValues, c: columns + image * patches * patchValues,
                            ldc: patchValues)
                    }
                }
            }
        }
        return scatterPatchColumns(columns, batch: batch)
    }
}
