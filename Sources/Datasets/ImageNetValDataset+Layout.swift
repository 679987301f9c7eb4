import Foundation

extension ImageNetValDataset {
    /// One image file found on disk.
    struct ImageFile: Sendable {
        let path: String
        /// The wnid folder it sits in, `nil` when flat.
        let wnid: String?
    }

    /// The images folder's content, listed once at open.
    struct FoundImages: Sendable {
        let directory: String
        let arrangement: ImageArrangement
        /// Image id (file stem) to file.
        let files: [String: ImageFile]
        /// The wnid folder names, sorted.
        let folderNames: [String]
        /// Stems of `*.xml` files lying in the images folder itself (the bbox tarball unpacked over `val/`).
        let xmlStems: [String]
    }

    /// The detected annotation source.
    enum FoundAnnotations: Sendable {
        case xml(directory: String, stems: [String])
        case csv(path: String)
        case folders

        var kind: AnnotationSource {
            switch self {
            case .xml: .xml
            case .csv: .csv
            case .folders: .folders
            }
        }

        var path: String? {
            switch self {
            case .xml(let directory, _): directory
            case .csv(let path): path
            case .folders: nil
            }
        }
    }

    /// The class list.
    struct Synsets: Sendable {
        let wnids: [String]
        let descriptions: [String]
        let path: String?
    }

    /// Image file extensions, lowercased (ILSVRC ships `.JPEG`).
    private static let imageExtensions: Set<String> = ["jpeg", "jpg", "png"]

    /// Lists the images folder: flat files, and the files inside `n########` folders.
    static func findImages(root: String, options: Options) throws -> FoundImages {
        let directory: String
        if let given = options.imagesDirectory {
            guard VOCDataset.isDirectory(given) else { throw DatasetError.missingFile(path: given) }
            directory = given
        } else {
            let candidates = ["/ILSVRC/Data/CLS-LOC/val", "/Data/CLS-LOC/val", "/val"].map { root + $0 }
            directory = candidates.first(where: VOCDataset.isDirectory) ?? root
        }
        var files: [String: ImageFile] = [:]
        var folders: [String] = []
        var xmlStems: [String] = []
        for name in try listing(directory) {
            if let stem = stem(of: name, extensions: imageExtensions) {
                files[stem] = ImageFile(path: directory + "/" + name, wnid: nil)
            } else if let stem = stem(of: name, extensions: ["xml"]) {
                xmlStems.append(stem)
            } else if isWnid(name), VOCDataset.isDirectory(directory + "/" + name) {
                folders.append(name)
            }
        }
        folders.sort()
        for wnid in folders {
            let folder = directory + "/" + wnid
            for name in try listing(folder) {
                guard let stem = stem(of: name, extensions: imageExtensions) else { continue }
                files[stem] = ImageFile(path: folder + "/" + name, wnid: wnid)
            }
        }
        guard !files.isEmpty || !folders.isEmpty else {
            throw DatasetError.invalidLayout(
                path: root,
                reason: "no images in \(directory) (looked in ILSVRC/Data/CLS-LOC/val/, Data/CLS-LOC/val/, val/, "
                    + "and the root)")
        }
        return FoundImages(
            directory: directory, arrangement: folders.isEmpty ? .flat : .wnidFolders, files: files,
            folderNames: folders, xmlStems: xmlStems.sorted())
    }

    /// Picks the annotation source: the given one, else XML, else the CSV, else wnid folders.
    static func findAnnotations(root: String, images: FoundImages, options: Options) throws -> FoundAnnotations {
        let wanted = options.annotationSource
        if let given = options.annotationsPath {
            if VOCDataset.isDirectory(given), wanted == nil || wanted == .xml {
                let stems = try listing(given).compactMap { stem(of: $0, extensions: ["xml"]) }.sorted()
                return .xml(directory: given, stems: stems)
            }
            if FileManager.default.fileExists(atPath: given), !VOCDataset.isDirectory(given),
                wanted == nil || wanted == .csv
            {
                return .csv(path: given)
            }
            if !FileManager.default.fileExists(atPath: given) { throw DatasetError.missingFile(path: given) }
            throw DatasetError.invalidLayout(
                path: given, reason: "does not fit the annotation source \(wanted?.rawValue ?? "auto")")
        }
        if wanted == nil || wanted == .xml {
            let candidates = [
                "/ILSVRC/Annotations/CLS-LOC/val", "/Annotations/CLS-LOC/val", "/val_xml", "/Annotations/val",
            ]
            for candidate in candidates.map({ root + $0 }) where VOCDataset.isDirectory(candidate) {
                let stems = try listing(candidate).compactMap { stem(of: $0, extensions: ["xml"]) }.sorted()
                if !stems.isEmpty { return .xml(directory: candidate, stems: stems) }
            }
            if !images.xmlStems.isEmpty { return .xml(directory: images.directory, stems: images.xmlStems) }
            if wanted == .xml {
                throw DatasetError.invalidLayout(
                    path: root,
                    reason: "no per-image XML in ILSVRC/Annotations/CLS-LOC/val/, Annotations/CLS-LOC/val/, val_xml/, "
                        + "Annotations/val/ or the images folder")
            }
        }
        if wanted == nil || wanted == .csv {
            let path = root + "/LOC_val_solution.csv"
            if FileManager.default.fileExists(atPath: path) { return .csv(path: path) }
            if wanted == .csv { throw DatasetError.invalidLayout(path: root, reason: "no LOC_val_solution.csv") }
        }
        guard images.arrangement == .wnidFolders else {
            throw DatasetError.invalidLayout(
                path: root,
                reason: "no annotations: no per-image XML folder, no LOC_val_solution.csv, and the images are not "
                    + "in wnid folders")
        }
        return .folders
    }

    /// Reads `LOC_synset_mapping.txt` (`<wnid> <names>` per line; line order = class index, the file is sorted
    /// by wnid); without it, the sorted wnid folder names (torchvision `ImageFolder`'s order).
    static func readSynsets(root: String, images: FoundImages, options: Options) throws -> Synsets {
        let path = options.synsetMapping ?? root + "/LOC_synset_mapping.txt"
        guard let data = FileManager.default.contents(atPath: path) else {
            if options.synsetMapping != nil { throw DatasetError.missingFile(path: path) }
            guard !images.folderNames.isEmpty else {
                throw DatasetError.invalidLayout(
                    path: root,
                    reason: "no LOC_synset_mapping.txt and the images are not in wnid folders, so the class "
                        + "indices are unknown")
            }
            return Synsets(wnids: images.folderNames, descriptions: images.folderNames, path: nil)
        }
        var wnids: [String] = []
        var descriptions: [String] = []
        var lineOfWnid: [String: Int] = [:]
        // `isNewline`, not "\n": Swift reads "\r\n" as one Character, so splitting on "\n" misses CRLF lines.
        let lines = String(decoding: data, as: UTF8.self)
            .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, rawLine) in zip(1..., lines) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", maxSplits: 1)
            let wnid = String(parts[0])
            if let first = lineOfWnid[wnid] {
                throw DatasetError.malformedAnnotation(
                    path: path, reason: "line \(number): wnid \(wnid) already on line \(first)")
            }
            lineOfWnid[wnid] = number
            wnids.append(wnid)
            descriptions.append(parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : wnid)
        }
        guard !wnids.isEmpty else { throw DatasetError.malformedAnnotation(path: path, reason: "no synsets") }
        return Synsets(wnids: wnids, descriptions: descriptions, path: path)
    }

    /// `n` followed by 8 digits (a WordNet noun synset id as ImageNet writes it).
    static func isWnid(_ name: String) -> Bool {
        let bytes = name.utf8
        return bytes.count == 9 && bytes.first == UInt8(ascii: "n")
            && bytes.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The file name without its extension when the extension (case-insensitive) is one of `extensions`.
    private static func stem(of name: String, extensions: Set<String>) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let suffix = name[name.index(after: dot)...].lowercased()
        return extensions.contains(suffix) ? String(name[..<dot]) : nil
    }

    private static func listing(_ directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw DatasetError.invalidLayout(path: directory, reason: "cannot list the folder")
        }
    }
}
