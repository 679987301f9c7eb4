/// A registry entry: what a method is, where it comes from, what it costs, and how to build it from options.
public struct MethodDescriptor: Sendable {
    /// The stable CLI id (`agc`, `rollout`).
    public let id: String
    /// One line for `bench methods`.
    public let summary: String
    /// The paper and the code it reproduces.
    public let citation: String
    /// The passes it needs, in words (`forward + backward`), for `bench methods`.
    public let passes: String
    /// Each option the factory reads, `key=default: meaning`, for `bench methods` and `--help`.
    public let options: [String]
    /// Whether the map depends on the target class (rollout and raw attention do not).
    public let isClassSpecific: Bool
    /// Builds the method from its options; must read every option it takes (``MethodOptions``).
    public let make: @Sendable (inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod

    public init(
        id: String, summary: String, citation: String, passes: String, options: [String] = [],
        isClassSpecific: Bool,
        make: @escaping @Sendable (inout MethodOptions) throws(ExplainerError) -> any ExplanationMethod
    ) {
        self.id = id
        self.summary = summary
        self.citation = citation
        self.passes = passes
        self.options = options
        self.isClassSpecific = isClassSpecific
        self.make = make
    }
}
