import Evaluation
import Explainers
import Foundation
import Imaging
import Reports
import ScoreMaps
import Tensor

/// The gallery pass: after the tables, the images the report shows (``GallerySelection``) go through the model
/// once more and each needed method's map is drawn (``GalleryPicture``) into `gallery/`, listed in
/// ``GalleryIndex``. Only the chosen images are passed again, so the gallery costs a handful of images however
/// long the run; pictures already listed in the folder's index are not drawn again.
extension BenchmarkRun {
    /// Draws the pictures `requests` asks for that the folder's gallery index lacks.
    /// - Parameters:
    ///   - requests: per dataset index, the methods whose pictures are needed (``GallerySelection/overlays``).
    ///   - sweepThresholds: for a sweep protocol, each method's dataset-level optimal threshold (a fraction of
    ///     the map's maximum, ``RunTables/optimalSweepThresholds``).
    ///   - progress: called with (images drawn, images to draw) after each image.
    ///   - shouldStop: polled between images; a stopped pass keeps the pictures it finished.
    /// - Returns: the number of pictures written.
    @discardableResult
    package func renderGallery(
        _ requests: [(index: Int, methods: [String])], sweepThresholds: [String: Double],
        progress: (Int, Int) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }
    ) throws -> Int {
        var index = GalleryIndex(folder: directory.url)
        let pending = requests.compactMap { request -> (index: Int, methods: [String])? in
            let missing = ([GalleryIndex.imageMethod] + request.methods).filter {
                index.entry(index: request.index, method: $0) == nil
            }
            return missing.isEmpty ? nil : (request.index, missing)
        }
        var written = 0
        for (position, request) in pending.enumerated() {
            if shouldStop() { break }
            let entries = try pictures(of: request.index, methods: request.methods, sweepThresholds: sweepThresholds)
            written += entries.filter { !$0.file.isEmpty }.count
            try index.append(entries, folder: directory.url)
            progress(position + 1, pending.count)
        }
        return written
    }

    /// One image's pictures, written into the folder, and their index entries.
    func pictures(of datasetIndex: Int, methods methodIDs: [String], sweepThresholds: [String: Double]) throws
        -> [GalleryIndex.Entry]
    {
        let evaluation = setup.evaluation
        let prepared: PreparedSample
        switch Self.prepare(
            index: datasetIndex, dataset: setup.dataset, settings: setup.preprocessing,
            masks: Self.maskSelection(for: evaluation), maskSize: evaluation.mapSize,
            maskResampling: evaluation.maskResampling)
        {
        case .success(let sample): prepared = sample
        case .failure(let problem):
            return methodIDs.map {
                GalleryIndex.Entry(
                    index: datasetIndex, imageID: problem.imageID, label: "", method: $0, file: "", threshold: .nan,
                    note: problem.reason)
            }
        }
        let sample = prepared.sample
        let trace = setup.model.forward(prepared.input)
        let ranking = ClassRanking(logits: trace.logits.storage)
        let classification = Classification(
            trace: trace, probabilities: ranking.probabilities, predicted: ranking.predicted,
            correct: sample.labels.contains(ranking.predicted))
        let size = evaluation.mapSize
        let base =
            prepared.resized.width == size && prepared.resized.height == size
            ? prepared.resized : prepared.resized.resized(width: size, height: size, filter: .bilinear)
        let targets = try targets(of: prepared, classification: classification)
        var truth: GroundTruth?
        if let targets, case .some(.some(let made)) = try groundTruth(of: prepared, targets: targets) { truth = made }
        let label = targets?.labelName ?? ""
        func entry(_ method: String, file: String, threshold: Double, note: String = "") -> GalleryIndex.Entry {
            GalleryIndex.Entry(
                index: datasetIndex, imageID: sample.id, label: label, method: method, file: file, threshold: threshold,
                note: note)
        }
        var entries: [GalleryIndex.Entry] = []
        var contexts: [Int: ExplanationContext] = [:]
        for methodID in methodIDs {
            let file = GalleryIndex.file(index: datasetIndex, method: Self.fileSafe(methodID))
            if methodID == GalleryIndex.imageMethod {
                try write(GalleryPicture.image(base, truth: truth), to: file)
                entries.append(entry(methodID, file: file, threshold: .nan))
                continue
            }
            guard let method = setup.methods.first(where: { $0.id == methodID }), let targets else {
                entries.append(entry(methodID, file: "", threshold: .nan, note: "not evaluated on this image"))
                continue
            }
            let heatmap: Heatmap
            do {
                heatmap = try method.explain(
                    try context(
                        for: targets.localizationTarget, prepared: prepared, classification: classification,
                        contexts: &contexts))
            } catch {
                entries.append(entry(methodID, file: "", threshold: .nan, note: "method failed: \(error)"))
                continue
            }
            let map = ScoreMap(heatmap.normalized(to: size))
            let binarization = Self.galleryBinarization(map, evaluation: evaluation, sweep: sweepThresholds[methodID])
            let picture = GalleryPicture.overlay(map: map.values, on: base, truth: truth, region: binarization?.mask)
            try write(picture, to: file)
            entries.append(entry(methodID, file: file, threshold: binarization?.fraction ?? .nan))
        }
        return entries
    }

    /// The map binarised at the protocol's threshold, with that threshold as a fraction of 1 (levels / 255);
    /// for a sweep, at the method's optimal threshold (nil when unknown).
    static func galleryBinarization(_ map: ScoreMap, evaluation: EvaluationProtocol, sweep: Double?) -> (
        mask: BinaryMask, fraction: Double
    )? {
        let policy: ThresholdPolicy
        if case .sweep = evaluation.threshold {
            guard let sweep else { return nil }
            policy = .fixedOfMaximum(sweep)
        } else {
            policy = evaluation.threshold
        }
        let binarization = policy.binarize(map)
        switch policy {
        case .otsu, .fixedOfMaximum, .sweep: return (binarization.mask, binarization.threshold / 255)
        case .mean, .fixed: return (binarization.mask, binarization.threshold)
        }
    }

    /// A method id as a file name: characters other than letters, digits, `.`, `-` and `_` become `_`.
    static func fileSafe(_ id: String) -> String {
        String(
            id.unicodeScalars.map { scalar -> Character in
                let allowed = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                return allowed ? Character(scalar) : "_"
            })
    }

    /// Writes a picture as a JPEG (quality 85: a 224 x 224 picture in about 10 KB) atomically.
    func write(_ picture: RGBImage, to file: String) throws {
        let url = directory.url.appendingPathComponent(file)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JPEGCodec.encode(picture, quality: 85).write(to: url, options: .atomic)
        } catch {
            throw ReportError.io(path: url.path, reason: "cannot write the gallery picture: \(error)")
        }
    }
}
