import ArgumentParser
import Datasets

/// `bench datasets`: the adapters and what each reads.
struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List the dataset adapters and the files each reads.",
        discussion: "Where to obtain each dataset and how to lay it out: datasets.md.")

    func run() throws {
        for kind in DatasetKind.allCases {
            print(kind.rawValue)
            print("  \(kind.summary)")
            print("  --root:   \(kind.rootDescription)")
            print("  reads:    \(kind.reads)")
            print("  split:    \(kind.defaultSplit) by default")
        }
    }
}
