/// One option of a method, declared once: its name, type, default, allowed values and help.
///
/// A method lists its options in its ``MethodDescriptor``; everything else follows from that list: the parser
/// (``MethodOptions``) checks given values against the allowed ones, the factory reads typed values by the
/// declaration (`options[Rollout.start]`), the method's id spells the options that differ from their defaults in
/// the declared order (`rollout:start=1`), and `bench methods` prints name, default, allowed values and help.
public struct MethodOption<Value: MethodOptionValue>: MethodOptionDeclaration {
    public let name: String
    /// The value when the option is not given.
    public let defaultValue: Value
    /// The values the option accepts.
    public let domain: Value.Domain
    public let help: String
    /// Whether the option shows in the method's id when it differs from its default; false for an option that
    /// changes only memory or speed, never the map (`batch=`), so such runs share their rows.
    public let isInID: Bool

    /// Declares an option; `defaultValue` must lie in `domain`.
    public init(_ name: String, default defaultValue: Value, in domain: Value.Domain, help: String, isInID: Bool = true)
    {
        precondition(defaultValue.isIn(domain), "MethodOption \(name): the default is outside its domain")
        self.name = name
        self.defaultValue = defaultValue
        self.domain = domain
        self.help = help
        self.isInID = isInID
    }

    public var defaultText: String { defaultValue.optionText }

    public var allowedValues: String { Value.list(domain) }

    public func parse(_ text: String) -> (any Sendable)? { Value.parse(text, in: domain) }

    public func rejection(of text: String) -> String { "'\(text)' is not \(Value.describe(domain))" }

    public func text(of value: any Sendable) -> String? { (value as? Value)?.optionText }
}

extension MethodOption where Value: MethodOptionChoice {
    /// Declares a choice among every case of the enumeration.
    public init(_ name: String, default defaultValue: Value, help: String, isInID: Bool = true) {
        self.init(name, default: defaultValue, in: Array(Value.allCases), help: help, isInID: isInID)
    }
}

/// A declared option without its value type: what the parser, the id and `bench methods` need.
public protocol MethodOptionDeclaration: Sendable {
    /// The key written before `=`.
    var name: String { get }
    /// One line of help for `bench methods`.
    var help: String { get }
    /// The default as it would be written after `=`.
    var defaultText: String { get }
    /// The allowed values as `bench methods` lists them (`1...1000`, `logit, probability`).
    var allowedValues: String { get }
    /// Whether a non-default value shows in the method's id.
    var isInID: Bool { get }
    /// The typed value `text` spells, or nil when it spells none the option allows.
    func parse(_ text: String) -> (any Sendable)?
    /// Why `text` is refused, naming the allowed values (`'0' is not an integer in 1...4096`).
    func rejection(of text: String) -> String
    /// The canonical spelling of a typed value of this option (nil for a value of another type).
    func text(of value: any Sendable) -> String?
}
