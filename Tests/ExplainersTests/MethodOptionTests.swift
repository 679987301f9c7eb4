import Testing

@testable import Explainers

/// Reads a choice option's allowed values from its declaration, whatever the enumeration (a conditional
/// conformance, so the library needs no test-only API).
private protocol ChoiceDeclaration {
    var allowedTexts: [String] { get }
}

extension MethodOption: ChoiceDeclaration where Value: MethodOptionChoice {
    var allowedTexts: [String] { domain.map(\.rawValue) }
}

/// Values of `declaration` to try: the domain's ends for numbers, every allowed case for choices, as written after
/// `=`; and one value outside the domain (nil for choices, where any unknown word is outside).
private func samples(_ declaration: any MethodOptionDeclaration) -> (inside: [String], outside: String) {
    if let option = declaration as? MethodOption<Int> {
        return (["\(option.domain.lowerBound)", "\(option.domain.upperBound)"], "\(option.domain.upperBound)0")
    }
    if let option = declaration as? MethodOption<Double> {
        return (["\(option.domain.lowerBound)", "\(option.domain.upperBound)"], "\(option.domain.upperBound * 2 + 1)")
    }
    if let option = declaration as? MethodOption<ChunkSize> {
        return (["auto", "\(option.domain.lowerBound)", "\(option.domain.upperBound)"], "\(option.domain.upperBound)0")
    }
    if let option = declaration as? any ChoiceDeclaration {
        return (option.allowedTexts, "no-such-value")
    }
    Issue.record("option \(declaration.name) has a type the test does not know")
    return ([], "")
}

@Suite("Method options, declared once")
struct MethodOptionTests {
    static let descriptors = MethodRegistry.builtIn.descriptors

    @Test(
        "each declared value parses, its id spells it canonically, and the id parses back to the same method",
        arguments: descriptors.map(\.id))
    func roundTrips(id: String) throws {
        let descriptor = try #require(MethodRegistry.builtIn.descriptor(id))
        #expect(try MethodRegistry.builtIn.method(id).id == id, "the defaults spell no option")
        for declaration in descriptor.options {
            #expect(try MethodRegistry.builtIn.method("\(id):\(declaration.name)=\(declaration.defaultText)").id == id)
            for text in samples(declaration).inside {
                let method = try MethodRegistry.builtIn.method("\(id):\(declaration.name)=\(text)")
                let value = try #require(declaration.parse(text))
                let canonical = try #require(declaration.text(of: value))
                let expected =
                    declaration.isInID && canonical != declaration.defaultText
                    ? "\(id):\(declaration.name)=\(canonical)" : id
                #expect(method.id == expected, "\(declaration.name)=\(text)")
                let again = try MethodRegistry.builtIn.method(method.id)
                #expect(again.id == method.id && type(of: again) == type(of: method))
            }
        }
    }

    @Test("options given in any order give one id, in declaration order", arguments: descriptors.map(\.id))
    func canonicalOrder(id: String) throws {
        let descriptor = try #require(MethodRegistry.builtIn.descriptor(id))
        let pairs = descriptor.options.compactMap { declaration in
            samples(declaration).inside.last { $0 != declaration.defaultText }.map { "\(declaration.name)=\($0)" }
        }
        let forward = try MethodRegistry.builtIn.method(([id] + pairs).joined(separator: ":"))
        let backward = try MethodRegistry.builtIn.method(([id] + pairs.reversed()).joined(separator: ":"))
        #expect(forward.id == backward.id)
        let spelt = descriptor.options.filter(\.isInID).map(\.name)
        let keys = forward.id.split(separator: ":").dropFirst().map { String($0.prefix { $0 != "=" }) }
        #expect(keys == spelt.filter { name in pairs.contains { $0.hasPrefix("\(name)=") } })
        #expect(try MethodRegistry.builtIn.method(forward.id).id == forward.id)
    }

    @Test(
        "a value outside the declared domain is refused with the allowed values in the message",
        arguments: descriptors.map(\.id))
    func refusesOutOfRange(id: String) throws {
        let descriptor = try #require(MethodRegistry.builtIn.descriptor(id))
        for declaration in descriptor.options {
            let text = "\(id):\(declaration.name)=\(samples(declaration).outside)"
            #expect(Comment(rawValue: text)) {
                _ = try MethodRegistry.builtIn.method(text)
            } throws: { error in
                guard case .invalidOption(id, declaration.name, let reason) = error as? ExplainerError else {
                    return false
                }
                return reason.contains(declaration.allowedValues)
            }
        }
    }

    @Test("an unknown key is refused, naming the options the method takes", arguments: descriptors.map(\.id))
    func refusesUnknownKey(id: String) throws {
        let descriptor = try #require(MethodRegistry.builtIn.descriptor(id))
        #expect {
            _ = try MethodRegistry.builtIn.method("\(id):no-such-option=1")
        } throws: { error in
            guard case .invalidOption(id, "no-such-option", let reason) = error as? ExplainerError else { return false }
            return reason.contains("not an option")
                && descriptor.options.allSatisfy { reason.contains($0.name) }
                && (!descriptor.options.isEmpty || reason.contains("takes none"))
        }
    }

    @Test("a key given twice is refused")
    func refusesRepeatedKey() {
        #expect(throws: ExplainerError.invalidOption(method: "rollout", option: "start", reason: "given twice")) {
            _ = try MethodRegistry.builtIn.method("rollout:start=1:start=1")
        }
    }

    @Test("a Riemann rule's minimum step count is checked with the rule, naming the range it allows")
    func ruleLimitsSteps() {
        #expect {
            _ = try MethodRegistry.builtIn.method("integrated-gradients:steps=1:rule=riemann_left")
        } throws: { error in
            "\(error)".contains("'1' is not an integer in 2...4096")
        }
        #expect(throws: Never.self) { _ = try MethodRegistry.builtIn.method("integrated-gradients:steps=1") }
    }

    @Test("the defaults the methods run with are the declared ones")
    func defaultsAreDeclared() throws {
        let rollout = try #require(try MethodRegistry.builtIn.method("rollout") as? Rollout)
        #expect(rollout.startLayer == Rollout.start.defaultValue)
        let gradients = try #require(try MethodRegistry.builtIn.method("integrated-gradients") as? IntegratedGradients)
        #expect(gradients.steps == 50 && gradients.rule == .gausslegendre && gradients.baseline == .zero)
        #expect(gradients.batchSize == SharedMethodOptions.batch.defaultValue)
        let smooth = try #require(try MethodRegistry.builtIn.method("smoothgrad") as? SmoothGrad)
        #expect(smooth.samples == 25 && smooth.sigma == 0.15 && smooth.seed == 0 && smooth.reduction == .max)
        let signed = try #require(try MethodRegistry.builtIn.method("gxa-signed") as? GradientTimesAttention)
        let rectified = try #require(try MethodRegistry.builtIn.method("gxa") as? GradientTimesAttention)
        #expect(signed.epsilon == 1e-6 && rectified.epsilon == 1e-3)
        #expect(try MethodRegistry.builtIn.method("gxa:eps=0.001").id == "gxa")
        #expect(try MethodRegistry.builtIn.method("gxa-signed:eps=0.001").id == "gxa-signed:eps=0.001")
    }
}
