import Tensor

/// Loads ViT weights from safetensors checkpoints with timm or Hugging Face key names into ``ViTWeights``.
///
/// The family is detected from the keys (``CheckpointFamily/detect(keys:)``). The geometry is either given (a
/// ``ViTConfig``, e.g. from ``ViTConfig/preset(named:)``) and checked against every tensor, or inferred from the
/// shapes (``inferConfig(of:family:heads:)``). Every key the geometry needs must be present and no other key may
/// be: both lists are reported together. Each tensor is copied out of the mapped file and its pages released, so
/// peak memory stays near one copy of the weights.
public enum Checkpoint {
    /// The weights in the safetensors file at `path`.
    /// - Parameters:
    ///   - config: the expected geometry; `nil` infers it from the tensors, with `embedDim / 64` heads (the head
    ///     width of every timm and Hugging Face ViT preset) and the family's LayerNorm epsilon. A given config is
    ///     used as is, including its `layerNormEpsilon` (presets carry the right one for their family).
    /// - Throws: ``CheckpointError`` naming the file: unreadable or invalid files, unknown key families, missing or
    ///   unexpected keys, and shape mismatches naming the tensor with the expected and found shapes.
    public static func load(contentsOf path: String, config: ViTConfig? = nil) throws -> ViTWeights {
        let file = try SafeTensorsFile(contentsOf: path)
        let family = try family(of: file)
        let geometry = try config ?? inferConfig(of: file, family: family, heads: nil)
        return try load(file, family: family, config: geometry)
    }

    /// The weights in the file at `path`, geometry inferred with `heads` attention heads (which shapes cannot tell).
    public static func load(contentsOf path: String, heads: Int) throws -> ViTWeights {
        let file = try SafeTensorsFile(contentsOf: path)
        let family = try family(of: file)
        return try load(file, family: family, config: inferConfig(of: file, family: family, heads: heads))
    }

    /// The geometry of the checkpoint at `path` as its shapes describe it (see ``inferConfig(of:family:heads:)``).
    public static func inferConfig(contentsOf path: String, heads: Int? = nil) throws -> ViTConfig {
        let file = try SafeTensorsFile(contentsOf: path)
        return try inferConfig(of: file, family: family(of: file), heads: heads)
    }

    /// The key family of `file`.
    /// - Throws: ``CheckpointError/Reason/unknownFamily(_:)`` when neither class-token key is present.
    public static func family(of file: SafeTensorsFile) throws -> CheckpointFamily {
        guard let family = CheckpointFamily.detect(keys: file.entries.keys) else {
            let sample = file.names.prefix(5).joined(separator: ", ")
            throw CheckpointError(
                file: file.path,
                reason: .unknownFamily("no 'cls_token' or 'vit.embeddings.cls_token' (keys: \(sample)...)"))
        }
        return family
    }

    /// The geometry the tensor shapes describe: width `D` from the class token `[1, 1, D]`; channels and patch
    /// side from the patch projection `[D, C, P, P]`; depth from the highest block index + 1; prefix tokens 2 when
    /// a `dist_token` is present; image side `sqrt(N - prefix) * P` from the position embedding `[1, N, D]`; MLP
    /// width from block 0's fc1 `[M, D]`; classes from the classifier `[K, D]`. Heads cannot be read from any
    /// shape: `heads`, or `D / 64` when `nil`.
    /// - Throws: ``CheckpointError`` when a tensor the inference reads is missing or malformed.
    public static func inferConfig(of file: SafeTensorsFile, family: CheckpointFamily, heads: Int?) throws
        -> ViTConfig
    {
        func failure(_ detail: String) -> CheckpointError {
            CheckpointError(file: file.path, reason: .inconsistentGeometry(detail))
        }
        let needed = [family.classTokenKey, family.patchWeightKey, family.positionEmbeddingKey, family.headWeightKey]
        let missing = needed.filter { file.entries[$0] == nil }
        guard missing.isEmpty else {
            throw CheckpointError(file: file.path, reason: .keyMismatch(missing: missing, unexpected: []))
        }
        let classToken = try file.entry(named: family.classTokenKey).shape
        guard classToken.count == 3, classToken[0] == 1, classToken[1] == 1, classToken[2] > 0 else {
            throw failure("'\(family.classTokenKey)' has shape \(classToken), expected [1, 1, D]")
        }
        let width = classToken[2]
        let patch = try file.entry(named: family.patchWeightKey).shape
        guard patch.count == 4, patch[0] == width, patch[2] == patch[3], patch[1] > 0, patch[2] > 0 else {
            throw failure("'\(family.patchWeightKey)' has shape \(patch), expected [\(width), C, P, P]")
        }
        let distilled = family == .timm && file.entries["dist_token"] != nil
        let prefixTokens = distilled ? 2 : 1
        let position = try file.entry(named: family.positionEmbeddingKey).shape
        guard position.count == 3, position[0] == 1, position[2] == width, position[1] > prefixTokens else {
            throw failure("'\(family.positionEmbeddingKey)' has shape \(position), expected [1, N, \(width)]")
        }
        let patchCount = position[1] - prefixTokens
        let grid = Int(Double(patchCount).squareRoot().rounded())
        guard grid * grid == patchCount else {
            throw failure(
                "'\(family.positionEmbeddingKey)' has \(position[1]) tokens: \(patchCount) patches after "
                    + "\(prefixTokens) prefix token(s) is not a square grid")
        }
        let head = try file.entry(named: family.headWeightKey).shape
        guard head.count == 2, head[0] > 0, head[1] == width else {
            throw failure("'\(family.headWeightKey)' has shape \(head), expected [classes, \(width)]")
        }
        let blockIndices = Set(
            file.entries.keys.compactMap { key -> Int? in
                guard key.hasPrefix(family.blocksPrefix) else { return nil }
                return Int(key.dropFirst(family.blocksPrefix.count).prefix { $0 != "." })
            })
        guard let lastBlock = blockIndices.max(), lastBlock >= 0 else { throw failure("no transformer blocks") }
        // Block indices must run 0...last without gaps: a hostile key such as `blocks.9223372036854775807.x`
        // would otherwise overflow the depth or make the loader list millions of expected keys.
        guard lastBlock < file.entries.count, blockIndices.count == lastBlock + 1 else {
            let missing = (0...min(lastBlock, file.entries.count)).filter { !blockIndices.contains($0) }.prefix(5)
            throw failure(
                "block indices run to \(lastBlock) but blocks \(missing.map(String.init).joined(separator: ", ")) "
                    + "are missing")
        }
        let fc1Key = family.fc1WeightKey(block: 0)
        guard let fc1 = file.entries[fc1Key]?.shape, fc1.count == 2, fc1[0] > 0 else {
            throw CheckpointError(file: file.path, reason: .keyMismatch(missing: [fc1Key], unexpected: []))
        }
        let headCount = heads ?? width / 64
        guard headCount > 0, width % headCount == 0 else {
            throw failure("\(headCount) heads do not divide the width \(width); give the head count")
        }
        return ViTConfig(
            imageSize: grid * patch[2], patchSize: patch[2], channels: patch[1], embedDim: width,
            depth: lastBlock + 1, heads: headCount, mlpDim: fc1[0], classes: head[0],
            layerNormEpsilon: family.layerNormEpsilon, distilled: distilled)
    }

    /// Checks `file` against `config` (keys, then every shape) and copies the tensors into ``ViTWeights``.
    public static func load(_ file: SafeTensorsFile, family: CheckpointFamily, config: ViTConfig) throws
        -> ViTWeights
    {
        guard config.heads > 0, config.embedDim % config.heads == 0, config.patchSize > 0,
            config.imageSize % config.patchSize == 0
        else {
            throw CheckpointError(
                file: file.path,
                reason: .inconsistentGeometry(
                    "width \(config.embedDim) with \(config.heads) heads, image \(config.imageSize) with patch "
                        + "\(config.patchSize)"))
        }
        let sources = family.sources(for: config)
        let expectedKeys = Set(sources.values.flatMap(\.keys))
        let presentKeys = Set(file.entries.keys)
        let missing = expectedKeys.subtracting(presentKeys).sorted()
        let unexpected = presentKeys.subtracting(expectedKeys).sorted()
        guard missing.isEmpty && unexpected.isEmpty else {
            throw CheckpointError(file: file.path, reason: .keyMismatch(missing: missing, unexpected: unexpected))
        }
        // Every shape is checked before any data is copied, so a mismatch costs no reading.
        for (_, source) in sources.sorted(by: { $0.key < $1.key }) {
            for key in source.keys {
                let found = try file.entry(named: key).shape
                guard found == source.fileShape else {
                    throw CheckpointError(
                        file: file.path, reason: .shapeMismatch(tensor: key, expected: source.fileShape, found: found))
                }
            }
        }
        func parameter(_ name: String) throws -> Tensor {
            guard let source = sources[name] else { preconditionFailure("Checkpoint: no source for \(name)") }
            if source.keys.count == 1 {
                return try file.tensor(named: source.keys[0]).reshaped(source.shape)
            }
            // Hugging Face's separate query, key and value stacked as rows Q, K, V: timm's `qkv` layout.
            var storage: [Float] = []
            storage.reserveCapacity(source.shape.reduce(1, *))
            for key in source.keys { storage += try file.tensor(named: key).storage }
            return Tensor(shape: source.shape, storage: storage)
        }
        let blocks = try (0..<config.depth).map { index in
            let prefix = "blocks.\(index)."
            return try BlockWeights(
                norm1Weight: parameter(prefix + "norm1.weight"), norm1Bias: parameter(prefix + "norm1.bias"),
                qkvWeight: parameter(prefix + "attn.qkv.weight"), qkvBias: parameter(prefix + "attn.qkv.bias"),
                projWeight: parameter(prefix + "attn.proj.weight"), projBias: parameter(prefix + "attn.proj.bias"),
                norm2Weight: parameter(prefix + "norm2.weight"), norm2Bias: parameter(prefix + "norm2.bias"),
                fc1Weight: parameter(prefix + "mlp.fc1.weight"), fc1Bias: parameter(prefix + "mlp.fc1.bias"),
                fc2Weight: parameter(prefix + "mlp.fc2.weight"), fc2Bias: parameter(prefix + "mlp.fc2.bias"))
        }
        return try ViTWeights(
            config: config, patchWeight: parameter("patch_embed.proj.weight"),
            patchBias: parameter("patch_embed.proj.bias"), classToken: parameter("cls_token"),
            distillationToken: config.distilled ? parameter("dist_token") : nil,
            positionEmbedding: parameter("pos_embed"), blocks: blocks, normWeight: parameter("norm.weight"),
            normBias: parameter("norm.bias"), headWeight: parameter("head.weight"), headBias: parameter("head.bias"),
            distillationHeadWeight: config.distilled ? parameter("head_dist.weight") : nil,
            distillationHeadBias: config.distilled ? parameter("head_dist.bias") : nil)
    }
}
