/// A registry entry: what a method is, where it comes from, what it costs, its options, and how to build it.
public struct MethodDescriptor: Sendable {
    /// The stable CLI id (`agc`, `rollout`).
    public let id: String
    /// One line for `bench methods`.
    public let summary: String
    /// The paper and the code it reproduces.
    public let citation: String
    /// The passes it needs, in words (`forward + backward`), for `bench methods`.
    public let passes: String
    /// The options the method takes, each declared once (``MethodOption``), in the order its id spells them.
    public let options: [any MethodOptionDeclaration]
    /// Whether the map depends on the target class (rollout and raw attention do not).
    public let isClassSpecific: Bool
    /// How far its per-image values move with the thread count, the GEMM split or the CPU (``Reproducibility``).
    public let reproducibility: Reproducibility
    /// Builds the method from its checked options; it reads each value by its declaration (`options[start]`).
    public let make: @Sendable (MethodOptions) throws(ExplainerError) -> any ExplanationMethod

    public init(
        id: String, summary: String, citation: String, passes: String,
        options: [any MethodOptionDeclaration] = [], isClassSpecific: Bool,
        reproducibility: Reproducibility = .exact,
        make: @escaping @Sendable (MethodOptions) throws(ExplainerError) -> any ExplanationMethod
    ) {
        precondition(
            Set(options.map(\.name)).count == options.count, "MethodDescriptor \(id): an option is declared twice")
        self.id = id
        self.summary = summary
        self.citation = citation
        self.passes = passes
        self.options = options
        self.isClassSpecific = isClassSpecific
        self.reproducibility = reproducibility
        self.make = make
    }

    /// Every option at its default.
    public var defaultOptions: MethodOptions { MethodOptions(methodID: id, declarations: options) }

    /// The options of `pairs` (`key=value` texts), checked against the declarations.
    public func options(_ pairs: [Substring]) throws(ExplainerError) -> MethodOptions {
        try MethodOptions(methodID: id, declarations: options, pairs: pairs)
    }

    /// The method with every option at its default.
    public func makeDefault() throws(ExplainerError) -> any ExplanationMethod { try make(defaultOptions) }
}
