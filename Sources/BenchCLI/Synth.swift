import ArgumentParser

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the synthetic dataset.")
    func run() throws {}
}
