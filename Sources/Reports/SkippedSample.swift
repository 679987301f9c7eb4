import Foundation

/// One line of `skipped.csv`: a sample that could not be evaluated, or a method that failed on an image.
public struct SkippedSample: Equatable, Sendable {
    public var index: Int
    public var imageID: String
    public var path: String
    public var reason: String

    public init(index: Int, imageID: String, path: String, reason: String) {
        self.index = index
        self.imageID = imageID
        self.path = path
        self.reason = reason
    }

    /// The lines of the `skipped.csv` in `folder`, in file order; none when the file is missing. A line that
    /// does not parse (cut by a kill) is left out.
    public static func read(folder: URL) -> [SkippedSample] {
        let url = folder.appendingPathComponent(RunDirectory.skippedName)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            guard let fields = CSVLine.decode(line), fields.count == 4, let index = Int(fields[0]) else { return nil }
            return SkippedSample(index: index, imageID: fields[1], path: fields[2], reason: fields[3])
        }
    }
}
