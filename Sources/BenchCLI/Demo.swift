import ArgumentParser

/// The no-argument run.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the built-in demo.")
    func run() throws {}
}
