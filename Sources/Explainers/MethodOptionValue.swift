/// A type a method option can hold: an integer, a real number, or one of a string enumeration's cases.
///
/// Each conformance says how a value is read from the text after `key=`, how it is spelt in a method id (the
/// canonical spelling, which run folders and tables key rows by), and how its allowed values are described to a
/// user (`bench methods`, error messages).
public protocol MethodOptionValue: Sendable, Equatable {
    /// The allowed values: a range of numbers, or a subset of an enumeration's cases.
    associatedtype Domain: Sendable

    /// The value `text` spells, or nil when it spells none or one outside `domain`.
    static func parse(_ text: String, in domain: Domain) -> Self?

    /// The allowed values in words, completing "is not ...": `an integer in 1...1000`, `one of max, sum`.
    static func describe(_ domain: Domain) -> String

    /// The allowed values as `bench methods` lists them: `1...1000`, `max, sum`.
    static func list(_ domain: Domain) -> String

    /// Whether `domain` holds this value (a declared default must).
    func isIn(_ domain: Domain) -> Bool

    /// How the value is written in a method id (`rollout:start=1`, `center:sigma=0.5`).
    var optionText: String { get }
}

extension Int: MethodOptionValue {
    public static func parse(_ text: String, in domain: ClosedRange<Int>) -> Int? {
        guard let value = Int(text), domain.contains(value) else { return nil }
        return value
    }

    public static func describe(_ domain: ClosedRange<Int>) -> String { "an integer in \(list(domain))" }

    public static func list(_ domain: ClosedRange<Int>) -> String { "\(domain)" }

    public func isIn(_ domain: ClosedRange<Int>) -> Bool { domain.contains(self) }

    public var optionText: String { "\(self)" }
}

extension Double: MethodOptionValue {
    public static func parse(_ text: String, in domain: ClosedRange<Double>) -> Double? {
        guard let value = Double(text), value.isFinite, domain.contains(value) else { return nil }
        return value
    }

    public static func describe(_ domain: ClosedRange<Double>) -> String { "a number in \(list(domain))" }

    public static func list(_ domain: ClosedRange<Double>) -> String { "\(domain)" }

    public func isIn(_ domain: ClosedRange<Double>) -> Bool { domain.contains(self) }

    /// Swift's shortest round-trip spelling (`0.15`, `0.001`, `1e-06`), so two spellings of one number
    /// (`sigma=0.150`, `sigma=.15`) give one id.
    public var optionText: String { "\(self)" }
}

/// A string enumeration usable as a method option (`grad=logit|probability`); the allowed values are a
/// subset of its cases, listed in declaration order.
public protocol MethodOptionChoice: MethodOptionValue, RawRepresentable, CaseIterable
where RawValue == String, Domain == [Self] {}

extension MethodOptionChoice {
    public static func parse(_ text: String, in domain: [Self]) -> Self? {
        guard let value = Self(rawValue: text), domain.contains(value) else { return nil }
        return value
    }

    public static func describe(_ domain: [Self]) -> String { "one of \(list(domain))" }

    public static func list(_ domain: [Self]) -> String { domain.map(\.rawValue).joined(separator: ", ") }

    public func isIn(_ domain: [Self]) -> Bool { domain.contains(self) }

    public var optionText: String { rawValue }
}
