/// The options of one configured method: every declared option's value, given or default, and the method's id.
///
/// Options are written after the method id, separated by `:` so that a method list can be separated by commas
/// (`--methods agc,rollout:start=1,gae`). Parsing checks every given key against the method's declared options
/// (``MethodOption``): an unknown key, a key given twice and a value outside the declared domain are errors
/// that name what the option takes, so a typo never becomes a silently ignored setting.
public struct MethodOptions: Sendable {
    /// The method id without options.
    public let methodID: String
    /// The method's declared options, in declaration order (the order of the id).
    public let declarations: [any MethodOptionDeclaration]
    /// The given values by name (typed as their declaration parses them); absent keys take their default.
    private let values: [String: any Sendable]

    /// Every option at its default.
    public init(methodID: String, declarations: [any MethodOptionDeclaration]) {
        self.methodID = methodID
        self.declarations = declarations
        values = [:]
    }

    /// The options of `pairs` (`key=value` texts), checked against `declarations`.
    public init(methodID: String, declarations: [any MethodOptionDeclaration], pairs: [Substring])
        throws(ExplainerError)
    {
        var values: [String: any Sendable] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalidOption(method: methodID, option: String(pair), reason: "expected key=value")
            }
            let key = String(parts[0])
            let text = String(parts[1])
            guard let declaration = declarations.first(where: { $0.name == key }) else {
                let known = declarations.map(\.name)
                throw .invalidOption(
                    method: methodID, option: key,
                    reason: "not an option of this method "
                        + (known.isEmpty ? "(it takes none)" : "(it takes \(known.joined(separator: ", ")))"))
            }
            guard values[key] == nil else {
                throw .invalidOption(method: methodID, option: key, reason: "given twice")
            }
            guard let value = declaration.parse(text) else {
                throw .invalidOption(method: methodID, option: key, reason: declaration.rejection(of: text))
            }
            values[key] = value
        }
        self.methodID = methodID
        self.declarations = declarations
        self.values = values
    }

    /// Splits `text` (`rollout`, `rollout:start=1`, `integrated-gradients:steps=32:baseline=black`) into the
    /// method id and its `key=value` pairs. `maps:DIR` (whose argument is a path) is split by ``MethodRegistry``
    /// before this.
    public static func split(_ text: String) -> (methodID: String, pairs: [Substring]) {
        guard let colon = text.firstIndex(of: ":") else { return (text, []) }
        let pairs = text[text.index(after: colon)...].split(separator: ":", omittingEmptySubsequences: false)
        return (String(text[..<colon]), pairs)
    }

    /// The value of `option`: the one given, else its default.
    /// - Precondition: `option` is one of ``declarations`` (reading another method's option is a programming
    ///   error).
    public subscript<Value>(option: MethodOption<Value>) -> Value {
        precondition(declarations.contains { $0.name == option.name }, "\(methodID) declares no option \(option.name)")
        return values[option.name] as? Value ?? option.defaultValue
    }

    /// The id the configured method shows in tables: the method id, then each option that is part of the id and
    /// differs from its default as `:key=value`, in declaration order (`rollout:start=1`, `gae:grad=probability`).
    public var id: String {
        declarations.reduce(methodID) { id, declaration in
            guard declaration.isInID, let value = values[declaration.name], let text = declaration.text(of: value),
                text != declaration.defaultText
            else { return id }
            return "\(id):\(declaration.name)=\(text)"
        }
    }

}
