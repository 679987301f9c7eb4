import ArgumentParser
import Explainers

/// The methods of `--methods` and `--maps NAME=DIR`, shared by `bench run` and `bench explain`.
enum MethodSelection {
    /// The registry's methods of `list` followed by the `--maps` sets; `list` may be empty only when `maps`
    /// names some. An id listed twice, across both options too, is an error (tables key rows by id).
    static func methods(_ list: String, maps: [String]) throws -> [any ExplanationMethod] {
        let onlyMaps = !maps.isEmpty && list.trimmingCharacters(in: .whitespaces).isEmpty
        var methods = onlyMaps ? [] : try MethodRegistry.builtIn.methods(list)
        for entry in maps {
            guard let (name, directory) = namedMaps(entry) else {
                throw ValidationError("--maps \(entry): expected NAME=DIR.")
            }
            methods.append(ExternalMaps(directory: directory, name: name))
        }
        var seen = Set<String>()
        for method in methods where !seen.insert(method.id).inserted {
            throw ValidationError(
                "method '\(method.id)' is listed twice (ids in --methods and --maps must be distinct)")
        }
        return methods
    }

    /// `NAME=DIR` split at the first `=`, both parts non-empty (a folder may hold `=`).
    static func namedMaps(_ entry: String) -> (name: String, directory: String)? {
        guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex,
            entry.index(after: equals) != entry.endIndex
        else { return nil }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }
}
