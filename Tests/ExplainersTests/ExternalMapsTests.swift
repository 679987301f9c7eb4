import Foundation
import Imaging
import Tensor
import Testing
import ViT

@testable import Explainers

@Suite("Maps from disk")
struct ExternalMapsTests {
    @Test(
        "npy and 8/16-bit png maps load as their grid and upsample as F.interpolate does",
        arguments: InputGradientFixture.allCases.filter { $0.method.hasPrefix("maps:") })
    func loads(_ testCase: InputGradientFixture.Case) throws {
        let fixture = try InputGradientFixture()
        let text = testCase.method.replacingOccurrences(of: "MAPS", with: fixture.mapsFolder)
        let method = try MethodRegistry.builtIn.method(text)
        #expect(method.id == "maps:\(fixture.mapsFolder)")
        let heatmap = try method.explain(try fixture.context(target: testCase.target, imageID: testCase.image))
        let grid = try fixture.golden(testCase.golden)
        #expect(heatmap.grid == grid, "\(testCase.name): grid")
        let upsampled = try fixture.golden(try #require(testCase.upsampled))
        expectClose(heatmap.upsampled(to: 32), upsampled, "\(testCase.name) upsampled", tolerance: 1e-5)
    }

    @Test(
        "unusable maps are typed errors naming the file",
        arguments: [
            ("rank3", "rank3.npy", "is not [h, w] or [1, h, w]"),
            ("nan", "nan.npy", "non-finite"),
            ("colour", "colour.png", "not a grayscale PNG"),
            ("garbage", "garbage.npy", "unreadable .npy"),
            ("absent", "absent.npy", "no map for image 'absent'"),
        ])
    func rejects(imageID: String, file: String, reason: String) throws {
        let fixture = try InputGradientFixture()
        let method = ExternalMaps(directory: fixture.mapsFolder, name: "theirs")
        #expect(method.id == "theirs")
        let context = try fixture.context(target: 0, imageID: imageID)
        #expect {
            _ = try method.explain(context)
        } throws: { error in
            guard case ExplainerError.externalMap(let path, let message) = error else { return false }
            return path == "\(fixture.mapsFolder)/\(file)" && message.contains(reason)
        }
    }

    @Test("a context without an image id cannot name a map file")
    func needsImageID() throws {
        let fixture = try InputGradientFixture()
        #expect(throws: ExplainerError.externalMap(path: "/x", reason: "the image has no id to name its map file by")) {
            _ = try ExternalMaps(directory: "/x").explain(try fixture.context(target: 0, imageID: nil))
        }
    }

    @Test("maps:DIR keeps the whole path, colons and equals signs included, and mixes with other methods")
    func parsesPath() throws {
        let methods = try MethodRegistry.builtIn.methods("saliency,maps:/tmp/a:b=c,uniform")
        #expect(methods.map(\.id) == ["saliency", "maps:/tmp/a:b=c", "uniform"])
        #expect((methods[1] as? ExternalMaps)?.directory == "/tmp/a:b=c")
    }

    @Test("16-bit and 8-bit PNGs scale to [0, 1]")
    func pngScaling() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "maps-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let data16 = try PNGCodec.encode(samples16: [0, 65535, 32768, 1], width: 2, height: 2, colorType: .gray)
        try data16.write(to: directory.appendingPathComponent("m16.png"))
        let grid = try ExternalMaps.readPNG(directory.appendingPathComponent("m16.png").path)
        #expect(grid.shape == [2, 2])
        #expect(grid.storage == [0, 1, Float(32768) / 65535, Float(1) / 65535])
    }
}
