import ArgumentParser
import Evaluation
import Foundation

/// `bench protocols`: the named evaluation protocols and every setting of each.
struct Protocols: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocols",
        abstract: "List the evaluation protocols and every setting of each.",
        discussion: """
            The first one (otsu) is the default. Every output row records the protocol it used. Each protocol \
            lists its metrics with how the tables aggregate them and which way is better (what `bench gate` \
            uses); map-constant, map-nonfinite and method-failed are counts every protocol reports.
            """)

    @Argument(help: "Protocol names to show (default: all).")
    var names: [String] = []

    func run() throws {
        let chosen = try names.isEmpty ? EvaluationProtocol.builtIn : names.map { try EvaluationProtocol.named($0) }
        for (index, evaluation) in chosen.enumerated() {
            if index > 0 { print("") }
            print("\(evaluation.name)\(evaluation.name == EvaluationProtocol.builtIn[0].name ? " (default)" : "")")
            print("  \(evaluation.summary)")
            let width = evaluation.settingLines.map(\.key.count).max() ?? 0
            for line in evaluation.settingLines {
                print("  \(line.key.padding(toLength: width, withPad: " ", startingAt: 0))  \(line.value)")
            }
            print("  metrics (id: what, aggregation, which way is better; reference):")
            let idWidth = evaluation.tableMetrics.map(\.id.count).max() ?? 0
            for metric in evaluation.tableMetrics {
                let id = metric.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
                print(
                    "    \(id)  \(metric.summary), \(metric.aggregation.summary), \(metric.direction); "
                        + metric.reference)
            }
        }
    }
}
