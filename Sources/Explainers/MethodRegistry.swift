import Foundation

/// Every built-in method, and the parser for method lists (`all`, `agc,rollout:start=1,maps:DIR`).
///
/// Adding a method is one new file holding the method and its `static let descriptor` (with its options declared
/// there, ``MethodOption``), plus one line in ``builtIn`` below.
public struct MethodRegistry: Sendable {
    /// The registered methods in listing order.
    public let descriptors: [MethodDescriptor]

    /// A registry of the given methods (tests build small ones).
    public init(_ descriptors: [MethodDescriptor]) {
        self.descriptors = descriptors
    }

    /// The built-in methods, in the order `all` runs and tables list them.
    public static let builtIn = MethodRegistry([
        RawAttention.descriptor,
        Rollout.descriptor,
        AttentionGradCAM.descriptor,
        FullLRP.descriptor,
        PartialLRP.descriptor,
        TransformerAttribution.descriptor,
        GenericAttribution.descriptor,
        AttentionGuidedCAM.descriptor,
        GradientTimesAttention.descriptor,
        GradientTimesAttention.signedDescriptor,
        TransitionAttentionMaps.descriptor,
        BeyondIntuitionHeads.descriptor,
        BeyondIntuitionTokens.descriptor,
        Saliency.descriptor,
        InputXGradient.descriptor,
        IntegratedGradients.descriptor,
        SmoothGrad.descriptor,
        RandomBaseline.descriptor,
        CenterBaseline.descriptor,
        UniformBaseline.descriptor,
    ])

    /// The descriptor with this id, if any.
    public func descriptor(_ id: String) -> MethodDescriptor? {
        descriptors.first { $0.id == id }
    }

    /// Builds one method from `text`: an id with optional `:key=value` options, or `maps:DIR` for maps read
    /// from disk.
    public func method(_ text: String) throws(ExplainerError) -> any ExplanationMethod {
        if text.hasPrefix("maps:") {
            // The rest is a path, which may hold ':' and '=' and is not parsed as options.
            let directory = String(text.dropFirst("maps:".count))
            guard !directory.isEmpty else {
                throw .invalidOption(method: "maps", option: "DIR", reason: "give a folder: maps:DIR")
            }
            return ExternalMaps(directory: directory)
        }
        let (methodID, pairs) = MethodOptions.split(text)
        guard let descriptor = descriptor(methodID) else {
            throw .unknownMethod(methodID, known: descriptors.map(\.id))
        }
        return try descriptor.make(try descriptor.options(pairs))
    }

    /// Builds every method of a comma-separated list; `all` expands to every built-in method with default
    /// options. A list that names no method, an empty item (`agc,,gae`) and a method listed twice (they would
    /// collide in tables) are errors: a run that evaluates nothing, or not what was asked, must not start.
    public func methods(_ list: String) throws(ExplainerError) -> [any ExplanationMethod] {
        let items = list.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard items.contains(where: { !$0.isEmpty }) else {
            throw .invalidMethodList(list: list, reason: "names no method (give ids, or all; see `bench methods`)")
        }
        if let empty = items.firstIndex(of: "") {
            throw .invalidMethodList(list: list, reason: "item \(empty + 1) is empty")
        }
        var methods: [any ExplanationMethod] = []
        for item in items {
            if item == "all" {
                for descriptor in descriptors { methods.append(try descriptor.makeDefault()) }
            } else {
                methods.append(try method(item))
            }
        }
        var seen = Set<String>()
        for method in methods where !seen.insert(method.id).inserted {
            throw .invalidMethodList(list: list, reason: "method '\(method.id)' is listed twice")
        }
        return methods
    }
}
