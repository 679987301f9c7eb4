import Foundation
import Testing

/// `Fixtures/run-level`: a folder dataset, two sets of maps on disk and the numbers the official evaluators give
/// for them, written by `tools/make_run_level_fixtures.py` with wsolevaluation, Transformer-Explainability and
/// Attention-Guided-CAM imported unmodified at the protocols' reference commits.
///
/// 24 images: 17 of 224x224 with a mask (three with a void border, one with no foreground) and 7 of other sizes
/// with boxes only; each image's label is the demo model's top-1 class. The map sets `grid` (14x14, 7x7 and 28x28
/// grids) and `fine` (56x56 and 224x224) each hold constant maps, maps with many ties and single-peak maps.
struct RunLevelFixture: Decodable {
    /// One image of the dataset.
    struct Image: Decodable {
        let id: String
        let label: String
        /// Whether the image has a mask (else only boxes): Chefer's metrics and PxAP use only these.
        let masked: Bool
        /// Map set → whether the image's map in it is constant.
        let constant: [String: Bool]
    }

    /// Repository @ commit of each reference.
    let references: [String: String]
    let images: [Image]
    /// Protocol → map set → metric → the official number (wsolevaluation's in percent, as its evaluators return
    /// them; the others as fractions).
    let expected: [String: [String: [String: Double]]]
    /// Protocol → map set → image id → metric → the official per-image number (Chefer's AP, AG-CAM's ratios).
    let perImage: [String: [String: [String: [String: Double]]]]

    /// The map sets, each a `--maps NAME=DIR` method of the runs.
    static let mapSets = ["grid", "fine"]

    /// The fixture folder in the test bundle.
    static func folder() throws -> URL {
        try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/run-level")
    }

    /// Reads `expected.json`.
    static func load() throws -> RunLevelFixture {
        let data = try Data(contentsOf: try folder().appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(RunLevelFixture.self, from: data)
    }

    /// `bench run` arguments that evaluate both map sets on the fixture's folder dataset under `protocolName`
    /// with the demo model (no `--weights`).
    static func runArguments(protocol protocolName: String) throws -> [String] {
        let root = try folder()
        var arguments = [
            "run", "--dataset", "folder", "--root", root.appendingPathComponent("dataset").path, "--methods", "",
        ]
        for set in mapSets {
            arguments += ["--maps", "\(set)=\(root.appendingPathComponent("maps").appendingPathComponent(set).path)"]
        }
        return arguments + ["--protocol", protocolName, "--quiet"]
    }
}
