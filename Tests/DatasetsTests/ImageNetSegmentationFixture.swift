import Foundation
import Testing

@testable import Datasets

/// The `Fixtures/imagenet-seg` files written by `tools/make_imagenet_seg_fixture.py`, and helpers shared by the
/// ImageNet-Segmentation tests.
enum ImageNetSegmentationFixture {
    /// One decoded sample as Chefer's loader returns it (h5py + numpy + PIL).
    struct ExpectedSample: Decodable {
        var width: Int
        var height: Int
        /// `[height, width, 3]` row-major.
        var image: [UInt8]
        /// `[height, width]` row-major.
        var mask: [UInt8]
    }

    /// `expected.json`.
    struct Expected: Decodable {
        var count: Int
        var samples: [ExpectedSample]
    }

    /// The fixture folder inside the test bundle.
    static func directory() throws -> URL {
        let resources = try #require(Bundle.module.resourceURL)
        return resources.appendingPathComponent("Fixtures/imagenet-seg")
    }

    static func path(_ name: String) throws -> String { try directory().appendingPathComponent(name).path }

    static func expected() throws -> Expected {
        let data = try Data(contentsOf: directory().appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("imagenet-seg-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// What happened when a (possibly damaged) file was opened and every sample loaded.
    enum Outcome: Equatable {
        /// The dataset could not be opened.
        case rejected(kind: String)
        /// It opened; `loaded` samples decoded fully and `failed` gave a typed error.
        case opened(loaded: Int, failed: Int)
    }

    /// Opens `path` and loads every sample's image and mask (the first 64), recording typed errors; any other
    /// error is a test failure, and reaching the end without a crash is the property under test.
    static func exercise(path: String) -> Outcome {
        let dataset: ImageNetSegmentationDataset
        do {
            dataset = try ImageNetSegmentationDataset(root: path)
        } catch {
            return .rejected(kind: error.kind)
        }
        var loaded = 0
        var failed = 0
        // Bounded: a damaged row count must not make the test walk millions of rows.
        for index in 0..<min(dataset.count, 64) {
            do {
                let sample = try dataset.sample(at: index)
                let image = try sample.loadImage()
                let mask = try sample.segmentation?.load()
                if let mask, mask.width != image.width || mask.height != image.height {
                    Issue.record("\(path) sample \(index): image and mask sizes differ after loading")
                }
                loaded += 1
            } catch is DatasetError {
                failed += 1
            } catch {
                Issue.record("\(path) sample \(index): untyped error \(error)")
                failed += 1
            }
        }
        return .opened(loaded: loaded, failed: failed)
    }
}
