import Foundation

/// Paths and manifests of the golden fixtures written by `tools/make_imaging_fixtures.py`.
enum FixturePaths {
    /// The copied `Fixtures` folder in the test bundle.
    static let root: String = {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) { return url.path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }()

    /// The path of `name` inside the fixture subfolder `folder`.
    static func path(_ folder: String, _ name: String) -> String {
        "\(root)/\(folder)/\(name)"
    }

    /// Decodes `folder/manifest.json` as `T`.
    static func manifest<T: Decodable>(_ folder: String, as type: T.Type) throws -> T {
        let path = path(folder, "manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPYArray.FormatError(path: path, reason: "missing manifest")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}
