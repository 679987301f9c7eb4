import Foundation
import Imaging
import Tensor
import Testing

@testable import ViT

/// Preprocessing against timm's `create_transform` and transformers' `ViTImageProcessorPil` and `ViTImageProcessor`
/// (torchvision backend) applied by
/// `tools/make_checkpoint_fixtures.py` to `preprocess_input.png` (45x37) at 32 px.
@Suite struct PreprocessingTests {
    static func settings(_ fixture: CheckpointFixture.PreprocessingCase) throws -> PreprocessingSettings {
        try PreprocessingSettings(
            size: fixture.size,
            normalization: ChannelNormalization(
                mean: SIMD3(fixture.mean[0], fixture.mean[1], fixture.mean[2]),
                std: SIMD3(fixture.std[0], fixture.std[1], fixture.std[2])),
            interpolation: #require(PILResize.Filter(rawValue: fixture.interpolation)), cropPct: fixture.cropPct,
            policy: #require(PreprocessingSettings.Policy(rawValue: fixture.cropMode == "squash" ? "squash" : "timm")))
    }

    /// Parity within one uint8 level: `|swift - reference| <= (1 / 255) / min(std) + 1e-6` per element (Pillow's
    /// resize is ported bit for bit, so in practice the difference is float rounding only).
    @Test(arguments: ["vit_augreg", "deit", "hf", "hf_torchvision"])
    func matchesReferenceTransform(name: String) throws {
        let expected = try CheckpointFixture.expected()
        let fixture = try #require(expected.preprocessing[name])
        let image = try ImageDecoder.decodeRGB(contentsOf: CheckpointFixture.path("preprocess_input.png"))
        #expect(image.width == 45 && image.height == 37)
        let settings = try Self.settings(fixture)
        // The model-name lookup gives the same settings as timm's resolve_data_config / the HF processor.
        var named = PreprocessingSettings(model: fixture.tag)
        named.size = fixture.size
        #expect(named == settings, "\(fixture.tag)")

        let output = Preprocessing.input(image, settings: settings)
        let reference = try NPY.read(contentsOf: CheckpointFixture.path("preprocess_\(name).npy"))
        #expect(output.shape == [3, 32, 32])
        #expect(reference.shape == [3, 32, 32])
        let difference = output.maxAbsoluteDifference(to: reference)
        let level = (1 / 255) / Float(fixture.std.min() ?? 1) + 1e-6
        #expect(difference <= level, "\(name): max |difference| \(difference)")
        // Against Pillow-based references the resize is exact, so only float rounding remains; transformers 5's
        // default `ViTImageProcessor` resizes tensors with torchvision, not Pillow, and is only held to one level.
        if name != "hf_torchvision" {
            #expect(difference <= 1e-5, "\(name): max |difference| \(difference) exceeds float rounding")
        }
    }

    @Test func squashPassesASizedInputUnchanged() throws {
        let image = try ImageDecoder.decodeRGB(contentsOf: CheckpointFixture.path("preprocess_input.png"))
        let square = CenterCrop(size: 32).apply(image)
        for filter in PILResize.Filter.allCases {
            let settings = PreprocessingSettings(
                size: 32, normalization: .inception, interpolation: filter, cropPct: 1,
                policy: .squash)
            #expect(Preprocessing.resizedAndCropped(square, settings: settings) == square)
            // timm policy at crop_pct 1 on a square input is the identity too.
            var timm = settings
            timm.policy = .timm
            #expect(Preprocessing.resizedAndCropped(square, settings: timm) == square)
        }
    }

    @Test func timmPolicyGeometry() throws {
        // 45x37 at size 32, crop_pct 0.9: shorter side to floor(32 / 0.9) = 35 -> 42x35, centre crop 32.
        var settings = PreprocessingSettings(model: "vit_base_patch16_224.augreg2_in21k_ft_in1k")
        #expect(settings.size == 224 && settings.scaleSize == 248)
        settings.size = 32
        #expect(settings.scaleSize == 35)
        let image = RGBImage(width: 45, height: 37, fill: (10, 20, 30))
        let output = Preprocessing.resizedAndCropped(image, settings: settings)
        #expect(output.width == 32 && output.height == 32)
        let input = Preprocessing.input(image, settings: settings)
        #expect(input.shape == [3, 32, 32])
        #expect(abs(input[0, 5, 5] - (Float(10) / 255 - 0.5) / 0.5) < 1e-6)
    }

    @Test func modelNamesResolve() {
        let augreg = PreprocessingSettings(model: "vit_base_patch16_224.augreg2_in21k_ft_in1k")
        #expect(
            augreg.normalization.mean == SIMD3(0.5, 0.5, 0.5) && augreg.interpolation == .bicubic
                && augreg.cropPct == 0.9)
        #expect(augreg.policy == .timm)
        // Untagged: timm's default tag (augreg2 for ViT-B/16).
        #expect(PreprocessingSettings(model: "vit_base_patch16_224") == augreg)
        let deit = PreprocessingSettings(model: "deit_base_distilled_patch16_224")
        #expect(
            deit.normalization.mean == SIMD3(0.485, 0.456, 0.406)
                && deit.normalization.std == SIMD3(0.229, 0.224, 0.225))
        #expect(deit.cropPct == 0.9 && deit.interpolation == .bicubic)
        // 384 models use crop_pct 1.0 in timm.
        let large = PreprocessingSettings(model: "vit_base_patch16_384.augreg_in21k_ft_in1k")
        #expect(large.size == 384 && large.cropPct == 1.0 && large.scaleSize == 384)
        let google = PreprocessingSettings(model: "google/vit-base-patch16-224")
        #expect(
            google.policy == .squash && google.interpolation == .bilinear && google.cropPct == 1 && google.size == 224)
        // Names outside the table fall back by prefix.
        let unknownDeiT = PreprocessingSettings(model: "deit_small_patch16_384.custom")
        #expect(unknownDeiT.size == 384 && unknownDeiT.normalization.mean == SIMD3(0.485, 0.456, 0.406))
        let other = PreprocessingSettings(model: "my_model")
        #expect(other.cropPct == 0.875 && other.interpolation == .bilinear && other.size == 224)
    }

    @Test func imageNetClassNames() {
        #expect(ImageNetClasses.descriptions.count == 1000)
        #expect(ImageNetClasses.descriptions[0] == "tench, Tinca tinca")
        #expect(ImageNetClasses.descriptions[207].hasPrefix("golden retriever"))
        #expect(ImageNetClasses.descriptions[999].hasPrefix("toilet tissue"))
    }
}
