import ArgumentParser
import Explainers

/// `bench methods`: lists the registered explanation methods with their passes, citations and options.
struct Methods: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the explanation methods: id, summary, citation, passes and options.",
        discussion: """
            Options follow the id, separated by ':' (rollout:start=1, integrated-gradients:steps=32:baseline=black); \
            lists are comma-separated (--methods saliency,smoothgrad:samples=10). maps:DIR reads maps from disk.
            """)

    func run() {
        for line in Self.listing(MethodRegistry.builtIn) { print(line) }
    }

    /// The lines `bench methods` prints for `registry`, then `maps:DIR`: per method its id, passes and summary,
    /// its citation, its reproducibility where values move beyond 1e-6 (``Reproducibility``), and one line per
    /// declared option, `name=default (allowed values): help`.
    static func listing(_ registry: MethodRegistry) -> [String] {
        let descriptors = registry.descriptors + [ExternalMaps.usage]
        let idWidth = max(2, descriptors.map(\.id.count).max() ?? 0)
        let passesWidth = max(6, descriptors.map(\.passes.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: width - text.count) }
        var lines = ["\(pad("ID", idWidth))  \(pad("PASSES", passesWidth))  SUMMARY"]
        for descriptor in descriptors {
            let specific = descriptor.isClassSpecific ? "" : " (not class-specific)"
            lines.append(
                "\(pad(descriptor.id, idWidth))  \(pad(descriptor.passes, passesWidth))  \(descriptor.summary)\(specific)"
            )
            lines.append("    citation: \(descriptor.citation)")
            if case .spread = descriptor.reproducibility {
                lines.append("    numbers:  \(descriptor.reproducibility.description)")
            }
            for option in descriptor.options {
                let scope = option.isInID ? "" : "; not part of the id"
                lines.append(
                    "    option:   \(option.name)=\(option.defaultText) (\(option.allowedValues)\(scope)): \(option.help)"
                )
            }
        }
        lines.append("    argument: \(ExternalMaps.argumentNote)")
        return lines
    }
}
