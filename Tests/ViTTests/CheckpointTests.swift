import Foundation
import Tensor
import Testing

@testable import ViT

/// The fixtures of `tools/make_checkpoint_fixtures.py` in `Fixtures/checkpoints/`.
enum CheckpointFixture {
    static let folder: String = {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
            return url.appendingPathComponent("checkpoints").path
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/checkpoints").path
    }()

    static func path(_ name: String) -> String { "\(folder)/\(name)" }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    struct Geometry: Decodable {
        var family: String
        var imageSize, patchSize, channels, embedDim, depth, heads, mlpDim, classes: Int
        var layerNormEpsilon: Double
        var distilled: Bool
    }

    /// A parameter as the loader must hand it out: loader shape, float64 sum, first and last four values.
    struct Parameter: Decodable {
        var shape: [Int]
        var sum: Double
        var first: [Double]
        var last: [Double]
    }

    struct File: Decodable {
        var geometry: Geometry
        var parameters: [String: Parameter]
        var hfKeys: [String]?
        var modularKeys: [String]?
        var modularToLegacy: [String: String]?
    }

    struct PreprocessingCase: Decodable {
        var tag: String
        var size: Int
        var mean: [Float]
        var std: [Float]
        var interpolation: String
        var cropPct: Double
        var cropMode: String
    }

    struct Expected: Decodable {
        var files: [String: File]
        var preprocessing: [String: PreprocessingCase]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: path("expected.json"))))
    }

    static func temporaryPath(_ name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

@Suite struct CheckpointTests {
    /// The loaded parameters by timm name, in the loader's shapes.
    static func named(_ weights: ViTWeights) -> [String: Tensor] {
        var state = Checkpoint.stateDictionary(of: weights)
        state["cls_token"] = weights.classToken
        state["pos_embed"] = weights.positionEmbedding
        state["patch_embed.proj.weight"] = weights.patchWeight
        if let token = weights.distillationToken { state["dist_token"] = token }
        return state
    }

    /// Checks every parameter against the script's summary: shape, first and last values exactly, and the sum
    /// within `1e-9 * max(1, sum |x|)` (both sides add the same float32 values in double, in different orders).
    static func check(_ weights: ViTWeights, against file: CheckpointFixture.File, label: String) {
        let parameters = named(weights)
        #expect(Set(parameters.keys) == Set(file.parameters.keys), "\(label): parameter names")
        for (name, expected) in file.parameters {
            guard let tensor = parameters[name] else { continue }
            #expect(tensor.shape == expected.shape, "\(label) \(name)")
            let values = tensor.storage.map(Double.init)
            #expect(Array(values.prefix(4)) == expected.first, "\(label) \(name) first values")
            #expect(Array(values.suffix(4)) == expected.last, "\(label) \(name) last values")
            let sum = values.reduce(0, +)
            let magnitude = values.reduce(0) { $0 + abs($1) }
            #expect(
                abs(sum - expected.sum) <= 1e-9 * max(1, magnitude), "\(label) \(name) sum \(sum) vs \(expected.sum)")
        }
    }

    static func config(_ geometry: CheckpointFixture.Geometry) -> ViTConfig {
        ViTConfig(
            imageSize: geometry.imageSize, patchSize: geometry.patchSize, channels: geometry.channels,
            embedDim: geometry.embedDim, depth: geometry.depth, heads: geometry.heads, mlpDim: geometry.mlpDim,
            classes: geometry.classes, layerNormEpsilon: Float(geometry.layerNormEpsilon),
            distilled: geometry.distilled)
    }

    @Test(arguments: [
        "timm_vit.safetensors", "timm_vit_f16.safetensors", "timm_vit_bf16.safetensors",
        "deit_distilled.safetensors", "hf_vit.safetensors",
    ])
    func loadsFixtureWithGivenAndInferredGeometry(name: String) throws {
        let expected = try #require(try CheckpointFixture.expected().files[name])
        let config = Self.config(expected.geometry)
        let path = CheckpointFixture.path(name)
        let given = try Checkpoint.load(contentsOf: path, config: config)
        #expect(given.config == config)
        Self.check(given, against: expected, label: name)
        // Inferred: everything but the head count, which defaults to width / 64 = 0 here, so give it.
        #expect(try Checkpoint.inferConfig(contentsOf: path, heads: 3) == config)
        let inferred = try Checkpoint.load(contentsOf: path, heads: 3)
        #expect(inferred.config == config)
        Self.check(inferred, against: expected, label: name + " inferred")
    }

    @Test func familiesAreDetected() throws {
        for (name, family) in [
            ("timm_vit.safetensors", CheckpointFamily.timm), ("deit_distilled.safetensors", .timm),
            ("hf_vit.safetensors", .huggingFace),
        ] {
            let file = try SafeTensorsFile(contentsOf: CheckpointFixture.path(name))
            #expect(try Checkpoint.family(of: file) == family)
        }
        #expect(CheckpointFamily.huggingFace.layerNormEpsilon == 1e-12)
        #expect(CheckpointFamily.timm.layerNormEpsilon == 1e-6)
    }

    /// The Hugging Face fixture holds the timm ViT's values under transformers' names (query, key and value split
    /// out of qkv): loading it must give the timm tensors bit for bit, qkv rows in Q, K, V order.
    @Test func huggingFaceNamesMapOntoTimm() throws {
        let timm = try Checkpoint.load(contentsOf: CheckpointFixture.path("timm_vit.safetensors"), heads: 3)
        let hf = try Checkpoint.load(contentsOf: CheckpointFixture.path("hf_vit.safetensors"), heads: 3)
        #expect(hf.config.layerNormEpsilon == 1e-12)
        var hfConfig = hf.config
        hfConfig.layerNormEpsilon = timm.config.layerNormEpsilon
        #expect(hfConfig == timm.config)
        #expect(Self.named(hf) == Self.named(timm))
        let expected = try #require(try CheckpointFixture.expected().files["hf_vit.safetensors"])
        let file = try SafeTensorsFile(contentsOf: CheckpointFixture.path("hf_vit.safetensors"))
        #expect(file.names == expected.hfKeys)
        #expect(file.metadata == ["format": "pt"])
    }

    /// transformers 5's in-memory names (`vit.layers.{i}.attention.q_proj`, ...), as `save_file(model.state_dict())`
    /// writes them: the fixture renamed with the map the script recorded from transformers itself.
    @Test func transformersModularNamesLoad() throws {
        let expected = try #require(try CheckpointFixture.expected().files["hf_vit.safetensors"])
        let renames = try #require(expected.modularToLegacy)
        let legacy = try SafeTensorsFile(contentsOf: CheckpointFixture.path("hf_vit.safetensors"))
        var tensors: [String: Tensor] = [:]
        for (modular, legacyName) in renames { tensors[modular] = try legacy.tensor(named: legacyName) }
        #expect(tensors.keys.sorted() == expected.modularKeys)
        let path = try CheckpointFixture.temporaryPath("modular.safetensors")
        try SafeTensorsFile.write(tensors, to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(try Checkpoint.family(of: file) == .huggingFaceModular)
        let loaded = try Checkpoint.load(contentsOf: path, heads: 3)
        let timm = try Checkpoint.load(contentsOf: CheckpointFixture.path("timm_vit.safetensors"), heads: 3)
        #expect(Self.named(loaded) == Self.named(timm))
    }

    @Test func stateDictionaryRoundTrips() throws {
        let deit = try Checkpoint.load(contentsOf: CheckpointFixture.path("deit_distilled.safetensors"), heads: 3)
        let path = try CheckpointFixture.temporaryPath("roundtrip.safetensors")
        try Checkpoint.write(deit, to: path)
        let reloaded = try Checkpoint.load(contentsOf: path, config: deit.config)
        #expect(Self.named(reloaded) == Self.named(deit))
        // Byte-identical to the file PyTorch's safetensors wrote from the same state dict.
        #expect(
            try CheckpointFixture.bytes("deit_distilled.safetensors")
                == [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func mismatchedGeometryNamesTheTensor() throws {
        let path = CheckpointFixture.path("timm_vit.safetensors")
        let expected = try #require(try CheckpointFixture.expected().files["timm_vit.safetensors"])
        var config = Self.config(expected.geometry)
        config.classes = 1000
        #expect(
            throws: CheckpointError(
                file: path, reason: .shapeMismatch(tensor: "head.bias", expected: [1000], found: [10]))
        ) { try Checkpoint.load(contentsOf: path, config: config) }

        config = Self.config(expected.geometry)
        config.mlpDim = 96
        #expect(
            throws: CheckpointError(
                file: path, reason: .shapeMismatch(tensor: "blocks.0.mlp.fc1.bias", expected: [96], found: [192]))
        ) { try Checkpoint.load(contentsOf: path, config: config) }

        config = Self.config(expected.geometry)
        config.imageSize = 48
        #expect(
            throws: CheckpointError(
                file: path, reason: .shapeMismatch(tensor: "pos_embed", expected: [1, 37, 48], found: [1, 17, 48]))
        ) { try Checkpoint.load(contentsOf: path, config: config) }

        // A deeper preset: the missing blocks' keys are listed.
        config = Self.config(expected.geometry)
        config.depth = 3
        do {
            _ = try Checkpoint.load(contentsOf: path, config: config)
            Issue.record("depth 3 accepted")
        } catch let error as CheckpointError {
            guard case .keyMismatch(let missing, let unexpected) = error.reason else {
                Issue.record("\(error)")
                return
            }
            #expect(missing.count == 12 && missing.allSatisfy { $0.hasPrefix("blocks.2.") })
            #expect(unexpected.isEmpty)
            #expect(error.description.contains("blocks.2.attn.qkv.weight"))
        }

        // A ViT file under a distilled geometry: dist_token and head_dist are missing.
        config = Self.config(expected.geometry)
        config.distilled = true
        #expect(
            throws: CheckpointError(
                file: path,
                reason: .keyMismatch(missing: ["dist_token", "head_dist.bias", "head_dist.weight"], unexpected: []))
        ) { try Checkpoint.load(contentsOf: path, config: config) }

        // A real preset (ViT-B/16) against the tiny file: depth differs, so keys are missing.
        let preset = try #require(ViTConfig.preset(named: "vit_base_patch16_224"))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(contentsOf: path, config: preset) }

        // Heads that do not divide the width.
        config = Self.config(expected.geometry)
        config.heads = 5
        #expect(throws: CheckpointError.self) { try Checkpoint.load(contentsOf: path, config: config) }
    }

    @Test func unexpectedAndUnknownKeysAreErrors() throws {
        let source = try SafeTensorsFile(contentsOf: CheckpointFixture.path("timm_vit.safetensors"))
        var tensors: [String: Tensor] = [:]
        for name in source.names { tensors[name] = try source.tensor(named: name) }
        tensors["fc_norm.weight"] = Tensor(zeros: [48])
        tensors["blocks.0.ls1.gamma"] = Tensor(zeros: [48])
        tensors["blocks.1.norm1.bias"] = nil
        let path = try CheckpointFixture.temporaryPath("extra.safetensors")
        try SafeTensorsFile.write(tensors, to: path)
        #expect(
            throws: CheckpointError(
                file: path,
                reason: .keyMismatch(
                    missing: ["blocks.1.norm1.bias"], unexpected: ["blocks.0.ls1.gamma", "fc_norm.weight"]))
        ) { try Checkpoint.load(contentsOf: path, heads: 3) }

        let other = try CheckpointFixture.temporaryPath("other.safetensors")
        try SafeTensorsFile.write(["model.conv1.weight": Tensor(zeros: [2])], to: other)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(contentsOf: other) }
        do {
            _ = try Checkpoint.load(contentsOf: other)
        } catch let error as CheckpointError {
            if case .unknownFamily = error.reason {} else { Issue.record("\(error)") }
        }
    }

    /// Hostile block indices (found in review): a huge index must not overflow the depth or make the loader
    /// expect millions of keys, and a gap must name the missing block; a zero-class head is refused.
    @Test(arguments: ["blocks.9223372036854775807.x", "blocks.3000000.x", "blocks.5.norm1.weight"])
    func blockIndicesMustBeContiguous(extraKey: String) throws {
        let source = try SafeTensorsFile(contentsOf: CheckpointFixture.path("timm_vit.safetensors"))
        var tensors: [String: Tensor] = [:]
        for name in source.names { tensors[name] = try source.tensor(named: name) }
        tensors[extraKey] = Tensor(zeros: [0])
        let path = try CheckpointFixture.temporaryPath("gap.safetensors")
        try SafeTensorsFile.write(tensors, to: path)
        do {
            _ = try Checkpoint.load(contentsOf: path, heads: 3)
            Issue.record("a checkpoint with \(extraKey) loaded")
        } catch let error as CheckpointError {
            guard case .inconsistentGeometry(let detail) = error.reason else {
                Issue.record("unexpected reason: \(error)")
                return
            }
            #expect(detail.contains("missing"))
        }
    }

    @Test func zeroClassHeadIsRefused() throws {
        let source = try SafeTensorsFile(contentsOf: CheckpointFixture.path("timm_vit.safetensors"))
        var tensors: [String: Tensor] = [:]
        for name in source.names { tensors[name] = try source.tensor(named: name) }
        tensors["head.weight"] = Tensor(zeros: [0, 48])
        tensors["head.bias"] = Tensor(zeros: [0])
        let path = try CheckpointFixture.temporaryPath("no-classes.safetensors")
        try SafeTensorsFile.write(tensors, to: path)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(contentsOf: path, heads: 3) }
    }

    @Test func defaultHeadsAreWidthOver64() throws {
        // Width 48 has no default head count: the error says to give one.
        let path = CheckpointFixture.path("timm_vit.safetensors")
        do {
            _ = try Checkpoint.load(contentsOf: path)
            Issue.record("width 48 loaded without heads")
        } catch let error as CheckpointError {
            if case .inconsistentGeometry(let detail) = error.reason {
                #expect(detail.contains("heads"))
            } else {
                Issue.record("\(error)")
            }
        }
        // A timm-shaped ViT-S layout (width 384, depth 1) infers 6 heads, as the preset has.
        var tensors = Checkpoint.stateDictionary(
            of: try Checkpoint.load(contentsOf: CheckpointFixture.path("timm_vit.safetensors"), heads: 3))
        tensors = tensors.mapValues { Tensor(zeros: $0.shape.map { $0 == 48 ? 384 : ($0 == 192 ? 1536 : $0) }) }
        for key in tensors.keys where key.hasPrefix("blocks.1.") { tensors[key] = nil }
        tensors["patch_embed.proj.weight"] = Tensor(zeros: [384, 3, 8, 8])
        let wide = try CheckpointFixture.temporaryPath("wide.safetensors")
        try SafeTensorsFile.write(tensors, to: wide)
        let config = try Checkpoint.inferConfig(contentsOf: wide)
        #expect(config.heads == 6 && config.embedDim == 384 && config.depth == 1 && config.mlpDim == 1536)
        #expect(config.imageSize == 32 && config.patchSize == 8 && config.classes == 10)
    }

    @Test func presetsParse() throws {
        let base = try #require(ViTConfig.preset(named: "vit_base_patch16_224"))
        #expect(base == ViTConfig(embedDim: 768, depth: 12, heads: 12))
        #expect(base.tokens == 197 && base.mlpDim == 3072 && base.layerNormEpsilon == 1e-6)
        let tagged = try #require(ViTConfig.preset(named: "vit_base_patch16_224.augreg2_in21k_ft_in1k"))
        #expect(tagged == base)
        let distilled = try #require(ViTConfig.preset(named: "deit_base_distilled_patch16_224"))
        #expect(distilled.distilled && distilled.tokens == 198 && distilled.embedDim == 768)
        let small = try #require(ViTConfig.preset(named: "deit_small_patch16_224.fb_in1k"))
        #expect(small.embedDim == 384 && small.heads == 6 && small.depth == 12 && !small.distilled)
        let tiny = try #require(ViTConfig.preset(named: "vit_tiny_patch16_384"))
        #expect(tiny.embedDim == 192 && tiny.heads == 3 && tiny.imageSize == 384 && tiny.tokens == 577)
        let large = try #require(ViTConfig.preset(named: "vit_large_patch32_384"))
        #expect(large.embedDim == 1024 && large.depth == 24 && large.heads == 16 && large.patchCount == 144)
        let patch8 = try #require(ViTConfig.preset(named: "vit_small_patch8_224"))
        #expect(patch8.patchCount == 784)
        let google = try #require(ViTConfig.preset(named: "google/vit-base-patch16-224"))
        #expect(google.layerNormEpsilon == 1e-12 && google.embedDim == 768 && google.classes == 1000)
        #expect(ViTConfig.preset(named: "google/vit-base-patch16-224-in21k")?.classes == 21843)
        for bad in [
            "vit_huge_patch14_224", "vit_base_patch14_224", "vit_base_patch16_512", "vit_base_distilled_patch16_224",
            "resnet50", "", "vit_base_patch16", "vit_base_patch16_224_extra",
        ] {
            #expect(ViTConfig.preset(named: bad) == nil, "\(bad)")
        }
        for name in ViTConfig.commonPresetNames { #expect(ViTConfig.preset(named: name) != nil, "\(name)") }
    }
}
