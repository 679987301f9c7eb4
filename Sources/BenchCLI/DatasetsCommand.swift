import ArgumentParser

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "datasets", abstract: "List dataset adapters.")
    func run() throws {}
}
