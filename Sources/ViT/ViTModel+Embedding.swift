import Tensor

extension ViTModel {
    /// The flattened patches of `[B, C, S, S]` pixels: `[B * P, C * p * p]`, rows in raster order of the patch
    /// grid, columns ordered (channel, row, column) to match `patch_embed.proj.weight.reshape(D, -1)`.
    func patchColumns(_ input: Tensor, batch: Int) -> Tensor {
        let patch = config.patchSize
        let grid = config.gridSize
        let side = config.imageSize
        let channels = config.channels
        let width = config.patchValues
        return Tensor(shape: [batch * grid * grid, width]) { columns in
            input.withPointer { pixels in
                for image in 0..<batch {
                    for gridRow in 0..<grid {
                        for gridColumn in 0..<grid {
                            let target = columns + ((image * grid + gridRow) * grid + gridColumn) * width
                            for channel in 0..<channels {
                                let plane = pixels + (image * channels + channel) * side * side
                                for row in 0..<patch {
                                    let source = plane + (gridRow * patch + row) * side + gridColumn * patch
                                    (target + (channel * patch + row) * patch).update(from: source, count: patch)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The inverse scatter of `patchColumns`: pixel gradients `[B, C, S, S]` from column gradients
    /// `[B * P, C * p * p]` (patches do not overlap, so every pixel inside the grid receives exactly one value;
    /// pixels beyond the last whole patch, when `S` is not a multiple of `p`, receive zero as in the strided conv).
    func scatterPatchColumns(_ columns: Tensor, batch: Int) -> Tensor {
        let patch = config.patchSize
        let grid = config.gridSize
        let side = config.imageSize
        let channels = config.channels
        let width = config.patchValues
        var pixels = Tensor(zeros: [batch, channels, side, side])
        pixels.withMutablePointer { pixels in
            columns.withPointer { columns in
                for image in 0..<batch {
                    for gridRow in 0..<grid {
                        for gridColumn in 0..<grid {
                            let source = columns + ((image * grid + gridRow) * grid + gridColumn) * width
                            for channel in 0..<channels {
                                let plane = pixels + (image * channels + channel) * side * side
                                for row in 0..<patch {
                                    let target = plane + (gridRow * patch + row) * side + gridColumn * patch
                                    target.update(from: source + (channel * patch + row) * patch, count: patch)
                                }
                            }
                        }
                    }
                }
            }
        }
        return pixels
    }

    /// The first block's input `[B, N, D]`: `cat(cls, [dist,] patch_embed(x)) + pos_embed` (timm's `_pos_embed`
    /// with `no_embed_class=False`: prefix tokens are concatenated first, then the position embedding is added).
    func embed(_ input: Tensor, batch: Int) -> Tensor {
        let tokens = config.tokens
        let prefix = config.prefixTokens
        let patches = config.patchCount
        let width = config.embedDim
        let patchTokens = Self.linear(
            patchColumns(input, batch: batch), rows: batch * patches, weight: weights.patchWeight,
            bias: weights.patchBias)
        var prefixTokens = [weights.classToken]
        if config.distilled, let distillationToken = weights.distillationToken {
            prefixTokens.append(distillationToken)
        }
        precondition(prefixTokens.count == prefix, "ViTModel: a distilled config needs a distillation token")
        return Tensor(shape: [batch, tokens, width]) { output in
            weights.positionEmbedding.withPointer { position in
                for image in 0..<batch {
                    let imageTokens = output + image * tokens * width
                    for (index, token) in prefixTokens.enumerated() {
                        token.withPointer { (imageTokens + index * width).update(from: $0, count: width) }
                    }
                    patchTokens.withPointer { source in
                        (imageTokens + prefix * width).update(
                            from: source + image * patches * width, count: patches * width)
                    }
                    Tensor.Kernels.add(count: tokens * width, position, into: imageTokens)
                }
            }
        }
    }
}
