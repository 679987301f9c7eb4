import ArgumentParser

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect a dataset layout.")
    func run() throws {}
}
