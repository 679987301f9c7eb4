import Explainers
import Foundation
import Imaging
import Reports
import Tensor
import Testing
import ViT

@testable import BenchCLI

/// The `coporan2025` filter, the run's `top1-probability` rows, `bench predict` and `bench explain` read one
/// softmax (``ClassRanking``), so an image's probability is the same float32 number everywhere.
@Suite("One softmax for the filter, predict and explain", .serialized)
struct ClassProbabilityAgreementTests {
    @Test("a coporan2025 run's top-1 probabilities and filter decisions are bench predict's and explain's, bit for bit")
    func filterAgreesWithPredict() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("demo-softmax-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try Run.parse([
            "--protocol", "coporan2025", "--methods", "uniform", "--limit", "5", "--out", out.path, "--quiet",
        ])
        .run()
        let csv = try String(contentsOf: out.appendingPathComponent("per_image.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let images = Array(Set(rows.map { $0[1] })).sorted()
        #expect(images.count == 5)
        let loaded = try DemoModel.load()
        var statuses = Set<String>()
        for id in images {
            func value(_ metric: String) throws -> Double {
                let row = try #require(rows.first { $0[1] == id && $0[3] == ResultRow.imageMethod && $0[4] == metric })
                return try #require(Double(row[5]))
            }
            let image = try ImageDecoder.decodeRGB(contentsOf: "\(SyntheticCache.path)/JPEGImages/\(id).jpg")
            let input = Preprocessing.input(image, settings: loaded.preprocessing)
            let logits = loaded.model.forward(
                Tensor(
                    shape: [1, 3, loaded.model.config.imageSize, loaded.model.config.imageSize], storage: input.storage)
            ).logits.storage
            let predicted = try #require(Predict.topClasses(logits, count: 1).first)
            let explained = try ExplanationReport.predict(logits, target: .rank(1), image: id, names: nil).target
            #expect(Double(predicted.index) == (try value("predicted-class")) && explained.index == predicted.index)
            #expect(Double(predicted.probability) == (try value("top1-probability")), "\(id)")
            #expect(explained.probability == predicted.probability, "\(id)")
            let status = try value("status")
            statuses.insert("\(status)")
            let included = Double(predicted.probability) > 0.85
            #expect(status == (included ? ImageStatus.evaluated : .filtered).rawValue, "\(id)")
        }
        #expect(statuses.count == 2, "the first five demo images hold both kept and filtered ones")
    }
}
