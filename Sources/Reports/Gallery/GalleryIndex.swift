import Foundation

/// `gallery/index.csv`: the overlays a run folder holds for its report, one line per picture.
///
/// `index,image_id,label,method,file,threshold,note`: `method` is ``imageMethod`` for the image itself with its
/// ground truth outlined; `file` is relative to the run folder (`gallery/000009/gae.jpg`), empty when the method
/// failed on the image (`note` says why); `threshold` is the threshold of the outlined region on the normalised
/// map (`nan` where none was drawn). The pictures are written before their line, and the lines are appended one
/// image at a time, so a run stopped while it renders keeps what it finished and renders the rest on resuming.
public struct GalleryIndex: Equatable, Sendable {
    /// One picture.
    public struct Entry: Equatable, Sendable {
        public var index: Int
        public var imageID: String
        public var label: String
        public var method: String
        public var file: String
        public var threshold: Double
        public var note: String

        public init(
            index: Int, imageID: String, label: String, method: String, file: String, threshold: Double,
            note: String = ""
        ) {
            self.index = index
            self.imageID = imageID
            self.label = label
            self.method = method
            self.file = file
            self.threshold = threshold
            self.note = note
        }
    }

    /// The method name of the picture of the image itself.
    public static let imageMethod = "_image"
    /// The gallery's folder inside the run folder.
    public static let folderName = "gallery"
    public static let fileName = "index.csv"
    public static let header = "index,image_id,label,method,file,threshold,note"

    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The index of the run folder `folder`; empty when it has no gallery. Lines that do not parse (a line cut
    /// by a kill) are dropped, so their pictures are rendered again.
    public init(folder: URL) {
        let url = Self.url(in: folder)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            self.init()
            return
        }
        var entries: [Entry] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst() {
            guard let fields = CSVLine.decode(line), fields.count == 7, let index = Int(fields[0]),
                let threshold = Double(fields[5])
            else { continue }
            entries.append(
                Entry(
                    index: index, imageID: fields[1], label: fields[2], method: fields[3], file: fields[4],
                    threshold: threshold, note: fields[6]))
        }
        self.init(entries: entries)
    }

    public static func url(in folder: URL) -> URL {
        folder.appendingPathComponent(folderName).appendingPathComponent(fileName)
    }

    /// The picture's path inside the run folder: `gallery/<index, 6 digits>/<method>.jpg`.
    public static func file(index: Int, method: String) -> String {
        let number = String(index)
        let padded = String(repeating: "0", count: max(0, 6 - number.count)) + number
        return "\(folderName)/\(padded)/\(method).jpg"
    }

    /// The entry of one picture, if the folder holds it.
    public func entry(index: Int, method: String) -> Entry? {
        entries.last { $0.index == index && $0.method == method }
    }

    /// The images with a picture of the image itself and of every one of `methods` (a failed method's
    /// entry counts).
    public func completeImages(methods: [String]) -> Set<Int> {
        var byImage: [Int: Set<String>] = [:]
        for entry in entries { byImage[entry.index, default: []].insert(entry.method) }
        let needed = Set(methods + [Self.imageMethod])
        return Set(byImage.filter { needed.isSubset(of: $0.value) }.keys)
    }

    /// Per method, the images with its picture and the picture of the image itself.
    public func imagesByMethod() -> [String: Set<Int>] {
        let withImage = Set(entries.filter { $0.method == Self.imageMethod }.map(\.index))
        var byMethod: [String: Set<Int>] = [:]
        for entry in entries where entry.method != Self.imageMethod && withImage.contains(entry.index) {
            byMethod[entry.method, default: []].insert(entry.index)
        }
        return byMethod
    }

    /// Appends `entries` (one image's pictures, already written) to the folder's index, creating it with its
    /// header when needed, and syncs it.
    public mutating func append(_ newEntries: [Entry], folder: URL) throws(ReportError) {
        let url = Self.url(in: folder)
        let manager = FileManager.default
        var text = ""
        if !manager.fileExists(atPath: url.path) {
            do {
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw .io(path: url.deletingLastPathComponent().path, reason: error.localizedDescription)
            }
            text = Self.header + "\n"
            guard manager.createFile(atPath: url.path, contents: nil) else {
                throw .io(path: url.path, reason: "cannot create the gallery index")
            }
        }
        for entry in newEntries {
            text +=
                CSVLine.encode([
                    String(entry.index), entry.imageID, entry.label, entry.method, entry.file,
                    entry.threshold.isNaN ? "nan" : "\(entry.threshold)", entry.note,
                ]) + "\n"
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        entries += newEntries
    }
}
