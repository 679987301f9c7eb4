import Foundation

/// What a run's `manifest.json` says about it, as the report's header shows it: labelled lines in a fixed
/// order and the protocol's settings.
public struct RunFacts: Equatable, Sendable {
    /// The page's title (the manifest's `title`).
    public var title: String
    /// Labelled facts, in display order.
    public var lines: [(label: String, value: String)]
    /// Every protocol setting, by name.
    public var protocolSettings: [(name: String, value: String)]
    /// The manifest's notes (protocol and model in one line each).
    public var notes: [String]

    public static func == (lhs: RunFacts, rhs: RunFacts) -> Bool {
        lhs.title == rhs.title && lhs.notes == rhs.notes && lhs.lines.map(\.label) == rhs.lines.map(\.label)
            && lhs.lines.map(\.value) == rhs.lines.map(\.value)
            && lhs.protocolSettings.map(\.name) == rhs.protocolSettings.map(\.name)
            && lhs.protocolSettings.map(\.value) == rhs.protocolSettings.map(\.value)
    }

    /// The facts of a manifest; a missing or unreadable manifest gives a title and no facts.
    public init(manifest: Data?) {
        let object =
            manifest.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        title = object["title"] as? String ?? "Results"
        notes = object["notes"] as? [String] ?? []
        var lines: [(String, String)] = []
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append((label, value))
        }
        let dataset = object["dataset"] as? String
        let split = object["split"] as? String
        add(
            "dataset",
            dataset.map { name in
                var text = name
                if let split { text += ", split \(split)" }
                if let count = object["dataset_count"] as? Int { text += " (\(count) images)" }
                if let root = object["dataset_root"] as? String { text += " at \(root)" }
                return text
            })
        if let model = object["model"] as? [String: Any] {
            var text = model["name"] as? String ?? "model"
            if let sha = object["model_sha256"] as? String { text += ", sha256 \(sha.prefix(12))" }
            let parts = [
                ("depth", "depth"), ("embed_dim", "width"), ("heads", "heads"), ("patch_size", "patch"),
                ("image_size", "input"), ("classes", "classes"),
            ].compactMap { key, name in (model[key] as? Int).map { "\(name) \($0)" } }
            if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
            if let weights = model["weights"] as? String { text += "; weights \(weights)" }
            add("model", text)
        }
        if let preprocessing = object["preprocessing"] as? [String: Any] {
            let keys = preprocessing.keys.sorted()
            add("preprocessing", keys.map { "\($0) \(Self.describe(preprocessing[$0]))" }.joined(separator: ", "))
        }
        add("protocol", object["protocol"] as? String)
        if let methods = object["methods"] as? [String] { add("methods", methods.joined(separator: ", ")) }
        add("shard", object["shard"] as? String)
        if let merged = object["merged_from"] as? [String] { add("merged from", merged.joined(separator: ", ")) }
        add("limit", (object["limit"] as? Int).map(String.init))
        add("threads", (object["threads"] as? Int).map(String.init))
        add("OpenBLAS", object["openblas"] as? String)
        add("started", object["created"] as? String)
        if let finished = object["finished"] as? [String: Any] {
            var parts: [String] = []
            if let seconds = finished["wall_seconds"] as? Double { parts.append(String(format: "%.1f s", seconds)) }
            if let rate = finished["images_per_second"] as? Double {
                parts.append(String(format: "%.2f images/s", rate))
            }
            if let rss = finished["peak_rss_mib"] as? Double { parts.append(String(format: "peak RSS %.0f MiB", rss)) }
            if let done = finished["images_this_session"] as? Int { parts.append("\(done) images in the last session") }
            add("time", parts.joined(separator: ", "))
        }
        add("tool", object["tool"] as? String)
        add("git commit", object["git_commit"] as? String)
        add("command", object["command"] as? String)
        self.lines = lines
        let settings = object["protocol_settings"] as? [String: Any] ?? [:]
        protocolSettings = settings.keys.sorted().map { ($0, Self.describe(settings[$0])) }
    }

    /// A JSON value as text: numbers in their shortest form, arrays joined with commas.
    static func describe(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case let number as NSNumber: "\(number)"
        case let array as [Any]: array.map { describe($0) }.joined(separator: ", ")
        case let other?: "\(other)"
        case nil: ""
        }
    }
}
