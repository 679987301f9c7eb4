/// The options written after a method id, `id:key=value:key=value`, read by the method's factory.
///
/// Options are separated by `:` so that a method list can be separated by commas
/// (`--methods agc,rollout:start=1,gae`).
///
/// Every read consumes its key; ``finish()`` rejects keys no read asked for, so a typo is an error rather
/// than a silently ignored setting.
public struct MethodOptions: Sendable {
    /// The method id without options.
    public let methodID: String
    private var values: [String: String]

    /// Parses `text` (`rollout`, `rollout:start=1`, `integrated-gradients:steps=32:baseline=black`).
    /// `maps:DIR` style ids (whose argument is a path) are split by ``MethodRegistry`` before this.
    public init(parsing text: String) throws(ExplainerError) {
        guard let colon = text.firstIndex(of: ":") else {
            methodID = text
            values = [:]
            return
        }
        methodID = String(text[..<colon])
        var values: [String: String] = [:]
        for pair in text[text.index(after: colon)...].split(separator: ":", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalidOption(method: methodID, option: String(pair), reason: "expected key=value")
            }
            guard values[String(parts[0])] == nil else {
                throw .invalidOption(method: methodID, option: String(parts[0]), reason: "given twice")
            }
            values[String(parts[0])] = String(parts[1])
        }
        self.values = values
    }

    /// Options with no values (for building methods in code).
    public init(methodID: String, values: [String: String] = [:]) {
        self.methodID = methodID
        self.values = values
    }

    /// The raw value of `key`, consumed, or nil when not given.
    public mutating func string(_ key: String) -> String? {
        values.removeValue(forKey: key)
    }

    /// An integer option in `range`, or `defaultValue` when not given.
    public mutating func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>)
        throws(ExplainerError) -> Int
    {
        guard let text = string(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidOption(
                method: methodID, option: key, reason: "'\(text)' is not an integer in \(range)")
        }
        return value
    }

    /// A real option in `range`, or `defaultValue` when not given.
    public mutating func real(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>)
        throws(ExplainerError) -> Double
    {
        guard let text = string(key) else { return defaultValue }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .invalidOption(method: methodID, option: key, reason: "'\(text)' is not a number in \(range)")
        }
        return value
    }

    /// One of a fixed set of values, or `defaultValue` when not given.
    public mutating func choice<Value: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: Value)
        throws(ExplainerError) -> Value where Value.RawValue == String
    {
        guard let text = string(key) else { return defaultValue }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidOption(method: methodID, option: key, reason: "'\(text)' is not one of \(allowed)")
        }
        return value
    }

    /// Throws if any given option was not read.
    public func finish() throws(ExplainerError) {
        if let key = values.keys.sorted().first {
            throw .invalidOption(method: methodID, option: key, reason: "not an option of this method")
        }
    }
}
