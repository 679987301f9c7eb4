/// An explanation method: reads the engine's products through an ``ExplanationContext`` and returns a map.
///
/// Each method lives in its own file and is constructed by its ``MethodDescriptor`` in the
/// ``MethodRegistry`` from the options written after its id (`rollout:start=1`). A method must compute what
/// its reference code computes, quirks included, and name that code in its doc comment.
public protocol ExplanationMethod: Sendable {
    /// The id with the options that were given, as it appears in tables (`rollout:start=1`).
    var id: String { get }

    /// The passes this instance will ask the context for, in the order it asks. Used to plan and report work;
    /// the context memoises anyway, so a method that asks for something else still works.
    func requiredProducts(for context: ExplanationContext) -> [TraceProduct]

    /// The raw map for the context's image and target class.
    func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap
}
