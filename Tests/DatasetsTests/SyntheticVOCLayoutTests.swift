import Datasets
import Foundation
import Imaging
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The synthetic dataset as written to disk in the Pascal VOC 2012 layout, read back independently of the VOC
/// adapter (annotations parsed with `XMLParser`, masks decoded as palette indices).
@Suite struct SyntheticVOCLayoutTests {
    @Test func sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        let third = try TemporaryDirectory()
        try SyntheticGenerator(seed: 11, count: 8).write(to: first.path)
        try SyntheticGenerator(seed: 11, count: 8).write(to: second.path)
        try SyntheticGenerator(seed: 12, count: 8).write(to: third.path)
        let files = try first.relativeFiles()
        // 8 x (jpg, xml, 2 png) + 3 x 2 split lists + 10 x 3 per-class lists + classes.txt + synthetic.json.
        #expect(files.count == 8 * 4 + 6 + SyntheticClass.allCases.count * 3 + 2)
        #expect(try second.relativeFiles() == files)
        for file in files {
            #expect(try first.contents(of: file) == second.contents(of: file), "\(file) differs between runs")
        }
        let jpegs = files.filter { $0.hasPrefix("JPEGImages/") }
        #expect(jpegs.count == 8)
        for file in jpegs {
            #expect(try first.contents(of: file) != third.contents(of: file), "\(file) does not depend on the seed")
        }
    }

    @Test func annotationBoxesMatchInstanceMasks() throws {
        let directory = try TemporaryDirectory()
        let count = 12
        try SyntheticGenerator(seed: 5, count: count).write(to: directory.path)
        let classCount = SyntheticClass.allCases.count
        for index in 0..<count {
            let id = SyntheticGenerator.imageID(index: index)
            let annotation = try TestVOCAnnotation.parse(path: directory.path + "/Annotations/\(id).xml")
            #expect(annotation.filename == "\(id).jpg")
            #expect(annotation.width == 224 && annotation.height == 224 && annotation.depth == 3)
            #expect(annotation.segmented == 1)
            #expect((1...3).contains(annotation.objects.count))

            let instancePNG = try PNGCodec.decode(contentsOf: directory.path + "/SegmentationObject/\(id).png")
            let classPNG = try PNGCodec.decode(contentsOf: directory.path + "/SegmentationClass/\(id).png")
            for png in [instancePNG, classPNG] {
                #expect(png.colorType == .palette && png.bitDepth == 8)
                #expect(png.palette == VOCPalette.colors)
                #expect(png.width == 224 && png.height == 224)
            }
            let instances = instancePNG.indices().values
            let classes = classPNG.indices().values
            var bounds = [(x0: Int, y0: Int, x1: Int, y1: Int)](
                repeating: (Int.max, Int.max, -1, -1), count: annotation.objects.count)
            let maskValues = try annotation.objects.map { object in
                try #require(SyntheticClass(name: object.name)).rawValue + 1
            }
            // Counted, not expected per pixel: a debug `#expect` per pixel is slow.
            var badValues = 0
            for y in 0..<224 {
                for x in 0..<224 {
                    let instance = Int(instances[y * 224 + x])
                    let classValue = Int(classes[y * 224 + x])
                    if !(classValue == 0 || classValue == 255 || (1...classCount).contains(classValue)) {
                        badValues += 1
                    }
                    guard instance != 0, instance != 255 else {
                        if classValue != instance { badValues += 1 }
                        continue
                    }
                    try #require(instance <= annotation.objects.count, "instance id \(instance) without an object")
                    if classValue != maskValues[instance - 1] { badValues += 1 }
                    let k = instance - 1
                    bounds[k] = (min(bounds[k].x0, x), min(bounds[k].y0, y), max(bounds[k].x1, x), max(bounds[k].y1, y))
                }
            }
            #expect(badValues == 0, "mask values in \(id)")
            for (k, object) in annotation.objects.enumerated() {
                // XML boxes are 1-based inclusive; mask pixel indices are 0-based.
                #expect(object.xmin - 1 == bounds[k].x0 && object.ymin - 1 == bounds[k].y0, "\(id) object \(k + 1)")
                #expect(object.xmax - 1 == bounds[k].x1 && object.ymax - 1 == bounds[k].y1, "\(id) object \(k + 1)")
                #expect(object.truncated == 0 && object.difficult == 0 && object.pose == "Unspecified")
            }

            let image = try ImageDecoder.decodeRGB(contentsOf: directory.path + "/JPEGImages/\(id).jpg")
            #expect(image.width == 224 && image.height == 224)
        }
    }

    @Test func twoClassShareIsAsConfiguredOnDisk() throws {
        let directory = try TemporaryDirectory()
        let summary = try SyntheticGenerator(seed: 0, count: 50, twoClassShare: 0.3).write(to: directory.path)
        var twoClass = 0
        for index in 0..<50 {
            let id = SyntheticGenerator.imageID(index: index)
            let annotation = try TestVOCAnnotation.parse(path: directory.path + "/Annotations/\(id).xml")
            if Set(annotation.objects.map(\.name)).count == 2 { twoClass += 1 }
        }
        #expect(twoClass == 15)
        #expect(summary.twoClassImageCount == 15 && summary.plannedTwoClassImageCount == 15)
    }

    @Test func imageSetsAndManifestDescribeTheImages() throws {
        let directory = try TemporaryDirectory()
        let count = 20
        let summary = try SyntheticGenerator(seed: 9, count: count, trainFraction: 0.75).write(to: directory.path)
        func lines(_ file: String) throws -> [String] {
            try String(decoding: directory.contents(of: file), as: UTF8.self).split(separator: "\n").map(String.init)
        }
        let train = try lines("ImageSets/Segmentation/train.txt")
        let val = try lines("ImageSets/Segmentation/val.txt")
        let trainval = try lines("ImageSets/Segmentation/trainval.txt")
        #expect(train.count == 15 && val.count == 5)
        #expect(Set(train).isDisjoint(with: val))
        #expect((train + val).sorted() == trainval)
        #expect(trainval == (0..<count).map { SyntheticGenerator.imageID(index: $0) })
        #expect(try lines("ImageSets/Main/train.txt") == train)
        #expect(try lines("ImageSets/Main/val.txt") == val)
        #expect(summary.trainCount == 15 && summary.valCount == 5)

        var namesByID: [String: Set<String>] = [:]
        for id in trainval {
            let annotation = try TestVOCAnnotation.parse(path: directory.path + "/Annotations/\(id).xml")
            namesByID[id] = Set(annotation.objects.map(\.name))
        }
        for name in SyntheticGenerator.classNames {
            for (split, ids) in [("train", train), ("val", val), ("trainval", trainval)] {
                let entries = try lines("ImageSets/Main/\(name)_\(split).txt")
                #expect(entries.count == ids.count)
                for (entry, id) in zip(entries, ids) {
                    // VOC's MATLAB '%s %2d': "<id>  1" or "<id> -1".
                    let expected = namesByID[id]?.contains(name) == true ? "\(id)  1" : "\(id) -1"
                    #expect(entry == expected)
                }
            }
        }

        #expect(try lines("classes.txt") == SyntheticGenerator.classNames)
        let json = try #require(
            JSONSerialization.jsonObject(with: directory.contents(of: "synthetic.json")) as? [String: Any])
        #expect(json["seed"] as? Int == 9)
        #expect(json["count"] as? Int == count)
        #expect(json["version"] as? Int == SyntheticGenerator.version)
        let classes = try #require(json["classes"] as? [[String: Any]])
        #expect(classes.compactMap { $0["name"] as? String } == SyntheticGenerator.classNames)
    }

    @Test func unwritableRootThrowsATypedError() throws {
        let directory = try TemporaryDirectory()
        let blocker = directory.path + "/not-a-folder"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        #expect(throws: ImageError.self) {
            try SyntheticGenerator(seed: 0, count: 1).write(to: blocker)
        }
    }
}

/// A temporary folder removed when the value is released.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("synth-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Every regular file below the folder, as sorted relative paths.
    func relativeFiles() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let item = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + item, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(item)
            }
        }
        return files.sorted()
    }

    func contents(of file: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path + "/" + file))
    }
}

/// The fields of a VOC annotation these tests check, parsed with `XMLParser` (not the VOC adapter).
private struct TestVOCAnnotation {
    struct Object {
        var name = ""
        var pose = ""
        var truncated = -1
        var difficult = -1
        var xmin = 0
        var ymin = 0
        var xmax = 0
        var ymax = 0
    }

    var filename = ""
    var width = 0
    var height = 0
    var depth = 0
    var segmented = -1
    var objects: [Object] = []

    struct ParseError: Error {
        let path: String
    }

    static func parse(path: String) throws -> TestVOCAnnotation {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else { throw ParseError(path: path) }
        return delegate.annotation
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var annotation = TestVOCAnnotation()
        private var stack: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            stack.append(elementName)
            text = ""
            if elementName == "object" { annotation.objects.append(Object()) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let number = Int(value) ?? Int.min
            let parent = stack.dropLast().last ?? ""
            switch (parent, elementName) {
            case ("annotation", "filename"): annotation.filename = value
            case ("annotation", "segmented"): annotation.segmented = number
            case ("size", "width"): annotation.width = number
            case ("size", "height"): annotation.height = number
            case ("size", "depth"): annotation.depth = number
            case ("object", "name"): annotation.objects[annotation.objects.count - 1].name = value
            case ("object", "pose"): annotation.objects[annotation.objects.count - 1].pose = value
            case ("object", "truncated"): annotation.objects[annotation.objects.count - 1].truncated = number
            case ("object", "difficult"): annotation.objects[annotation.objects.count - 1].difficult = number
            case ("bndbox", "xmin"): annotation.objects[annotation.objects.count - 1].xmin = number
            case ("bndbox", "ymin"): annotation.objects[annotation.objects.count - 1].ymin = number
            case ("bndbox", "xmax"): annotation.objects[annotation.objects.count - 1].xmax = number
            case ("bndbox", "ymax"): annotation.objects[annotation.objects.count - 1].ymax = number
            default: break
            }
            stack.removeLast()
            text = ""
        }
    }
}
