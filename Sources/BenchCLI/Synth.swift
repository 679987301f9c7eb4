import ArgumentParser
import Datasets
import Foundation

/// `bench synth`: writes the synthetic shapes dataset in the Pascal VOC 2012 layout.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the synthetic shapes dataset in the Pascal VOC 2012 layout.",
        discussion: """
            Renders COUNT deterministic 224x224 scenes (same seed and options, same bytes): 1 to 3 textured \
            shapes from \(SyntheticClass.allCases.count) classes on cluttered backgrounds with distractor blobs \
            that are not objects. Later objects occlude earlier ones; every object keeps at least \
            \(Int(SyntheticGenerator.minimumVisibleFraction * 100)) % of its pixels visible.

            Layout written under --out (the equivalent of VOCdevkit/VOC2012; the VOC
            adapter reads it unchanged):
              JPEGImages/<id>.jpg
                  RGB, JPEG quality \(SyntheticGenerator.jpegQuality); ids synth_000001, synth_000002, ...
              Annotations/<id>.xml
                  VOC XML; boxes are 1-based inclusive pixel indices, the bounding
                  box of each object's visible pixels; truncated and difficult
                  are 0; occluded is 1 when a later object covers part of it
              SegmentationClass/<id>.png
                  palette PNG (VOC colours): 0 background, class index + 1,
                  255 void on a \(SyntheticGenerator.voidBorderWidth)-px band of background around each object
              SegmentationObject/<id>.png
                  palette PNG: instance 1..N in XML object order, same void band
              ImageSets/Segmentation/{train,val,trainval}.txt
              ImageSets/Main/{train,val,trainval}.txt
                  one id per line (split by --split-fraction)
              ImageSets/Main/<class>_{train,val,trainval}.txt
                  "<id>  1" when the class is present, "<id> -1" otherwise
              classes.txt
                  class names, one per line, in class-index order
              synthetic.json
                  generator version, seed, options, classes and counts

            Classes (mask value = index + 1):
            \(SyntheticClass.allCases.map { "  \($0.rawValue + 1) \($0.name): \($0.summary)" }.joined(separator: "\n"))
            """
    )

    @Option(name: .long, help: "The dataset root to write (created if needed).")
    var out: String

    @Option(name: .long, help: "Number of images (1...999999).")
    var count: Int = 1000

    @Option(name: .long, help: "Seed of every random choice.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Share of images in the train split; the rest go to val (0...1).")
    var splitFraction: Double = 0.8

    @Option(name: .long, help: "Share of images holding two different classes (0...1).")
    var twoClassShare: Double = 0.3

    @Flag(name: .long, help: "Print only the summary.")
    var quiet = false

    func validate() throws {
        guard (1...999_999).contains(count) else { throw ValidationError("--count must be in 1...999999.") }
        guard (0...1).contains(splitFraction) else { throw ValidationError("--split-fraction must be in 0...1.") }
        guard (0...1).contains(twoClassShare) else { throw ValidationError("--two-class-share must be in 0...1.") }
    }

    func run() throws {
        let generator = try SyntheticGenerator(
            seed: seed, count: count, twoClassShare: twoClassShare, trainFraction: splitFraction)
        let start = Date()
        let step = max(1, count / 10)
        let quiet = quiet
        let summary = try generator.write(to: out) { done, total in
            if !quiet && (done % step == 0 || done == total) { print("  \(done)/\(total) images") }
        }
        let seconds = Date().timeIntervalSince(start)
        print("Wrote \(summary.imageCount) images to \(out) in \(String(format: "%.1f", seconds)) s")
        print(
            "  splits: train \(summary.trainCount), val \(summary.valCount); objects \(summary.objectCount) "
                + "(\(summary.occludedObjectCount) occluded)")
        print(
            "  two-class images: \(summary.twoClassImageCount) "
                + "(\(String(format: "%.1f", 100 * summary.twoClassShare)) %, planned "
                + "\(summary.plannedTwoClassImageCount))")
        print("  class            images  objects")
        for objectClass in SyntheticClass.allCases {
            let name = objectClass.name.padding(toLength: 16, withPad: " ", startingAt: 0)
            let images = String(summary.imagesPerClass[objectClass.rawValue])
            let objects = String(summary.objectsPerClass[objectClass.rawValue])
            print(
                "  \(name) \(String(repeating: " ", count: max(0, 6 - images.count)))\(images)"
                    + "  \(String(repeating: " ", count: max(0, 7 - objects.count)))\(objects)")
        }
    }
}
