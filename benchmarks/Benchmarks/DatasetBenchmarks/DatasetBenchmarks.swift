import Benchmark
import Datasets
import Foundation

/// The number of annotation files in VOC 2012 trainval.
private let vocAnnotationCount = 17_125

/// Writes a VOC 2012 tree of `count` annotation files shaped like the real ones (source block, size,
/// 1 to 4 objects with pose, flags and bndbox; about 0.9 KB each), empty `JPEGImages/<id>.jpg` files and an
/// `ImageSets/Main/all.txt` list.
private func makeVOCAnnotations(count: Int) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("voc-annotation-benchmark-v2-\(count)")
    let list = root.appendingPathComponent("ImageSets/Main/all.txt")
    if FileManager.default.fileExists(atPath: list.path) { return root.path }
    for folder in ["Annotations", "JPEGImages", "ImageSets/Main"] {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    let classes = VOCDataset.classNames
    var ids: [String] = []
    for index in 0..<count {
        let id = String(format: "2012_%06d", index)
        ids.append(id)
        var objects = ""
        for object in 0..<(1 + index % 4) {
            let x = 1 + (index * 7 + object * 53) % 300
            let y = 1 + (index * 11 + object * 31) % 200
            objects += """
                \t<object>
                \t\t<name>\(classes[(index + object) % classes.count])</name>
                \t\t<pose>Unspecified</pose>
                \t\t<truncated>\(object % 2)</truncated>
                \t\t<occluded>0</occluded>
                \t\t<bndbox>
                \t\t\t<xmin>\(x)</xmin>
                \t\t\t<ymin>\(y)</ymin>
                \t\t\t<xmax>\(x + 150)</xmax>
                \t\t\t<ymax>\(y + 120)</ymax>
                \t\t</bndbox>
                \t\t<difficult>0</difficult>
                \t</object>

                """
        }
        let xml = """
            <annotation>
            \t<folder>VOC2012</folder>
            \t<filename>\(id).jpg</filename>
            \t<source>
            \t\t<database>The VOC2008 Database</database>
            \t\t<annotation>PASCAL VOC2008</annotation>
            \t\t<image>flickr</image>
            \t</source>
            \t<size>
            \t\t<width>500</width>
            \t\t<height>375</height>
            \t\t<depth>3</depth>
            \t</size>
            \t<segmented>0</segmented>
            \(objects)</annotation>

            """
        try Data(xml.utf8).write(to: root.appendingPathComponent("Annotations/\(id).xml"))
        // The adapter checks that each image exists; the benchmark times parsing, so the images are empty.
        try Data().write(to: root.appendingPathComponent("JPEGImages/\(id).jpg"))
    }
    try Data(ids.joined(separator: "\n").utf8).write(to: list)
    return root.path
}

let benchmarks: @Sendable () -> Void = {
    let root: String
    do {
        root = try makeVOCAnnotations(count: vocAnnotationCount)
    } catch {
        fatalError("cannot write the benchmark's annotation files: \(error)")
    }

    Benchmark(
        "Parse all 17,125 VOC 2012 annotation files",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 1,
            maxDuration: .seconds(30), maxIterations: 10)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let dataset = try VOCDataset(root: root, options: .init(split: "all", imageSet: .main))
            var objects = 0
            for index in 0..<dataset.count { objects += try dataset.sample(at: index).objects.count }
            blackHole(objects)
        }
    }
}
