import Explainers
import Testing

@testable import BenchCLI

@Suite("bench methods")
struct MethodsListingTests {
    @Test("the real `bench methods` prints every method and each declared option: name, default, allowed values, help")
    func listsDeclaredOptions() throws {
        let outcome = try BenchProcess.run(["methods"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines == Methods.listing(MethodRegistry.builtIn))
        for descriptor in MethodRegistry.builtIn.descriptors {
            let start = try #require(lines.firstIndex { $0.hasPrefix(descriptor.id + " ") }, "\(descriptor.id)")
            let block = lines[(start + 1)...].prefix { $0.hasPrefix("    ") }
            let optionLines = block.filter { $0.hasPrefix("    option:") }
            #expect(optionLines.count == descriptor.options.count, "\(descriptor.id)")
            for (line, option) in zip(optionLines, descriptor.options) {
                #expect(line.contains("\(option.name)=\(option.defaultText) (\(option.allowedValues)"), "\(line)")
                #expect(line.hasSuffix(": \(option.help)"), "\(line)")
            }
        }
        #expect(lines.contains("    option:   steps=50 (1...4096): points on the path"))
        #expect(lines.contains { $0.hasPrefix("    option:   batch=auto (auto, 1...4096; not part of the id)") })
        #expect(lines.contains { $0.hasPrefix("    option:   grad=logit (logit, probability)") })
    }
}
