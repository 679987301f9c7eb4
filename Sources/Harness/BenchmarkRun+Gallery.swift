import Evaluation
import Explainers
import Foundation
import Imaging
import Reports
import ScoreMaps

/// The gallery pass: after the tables, the pictures of the images the report shows (``GallerySelection``) are
/// drawn (``GalleryPicture``) into `gallery/` and listed in ``GalleryIndex``. The maps come from the
/// ``GalleryTracker`` that kept them during the run; an image it holds nothing for (evaluated before a resume)
/// goes through the model once more. Pictures already listed in the folder's index are not drawn again.
extension BenchmarkRun {
    /// Draws the pictures `requests` asks for that the folder's gallery index lacks.
    /// - Parameters:
    ///   - requests: per dataset index, the methods whose pictures are needed (``GallerySelection/overlays``).
    ///   - progress: called with (images drawn, images to draw) after each image.
    ///   - shouldStop: polled between images; a stopped pass keeps the pictures it finished.
    /// - Returns: the pictures written and how many images went through the model again.
    @discardableResult
    package func renderGallery(
        _ requests: [(index: Int, methods: [String])],
        progress: (Int, Int) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }
    ) throws -> (pictures: Int, passedAgain: Int) {
        var index = GalleryIndex(folder: directory.url)
        let pending = requests.compactMap { request -> (index: Int, methods: [String])? in
            let missing = ([GalleryIndex.imageMethod] + request.methods).filter {
                index.entry(index: request.index, method: $0) == nil
            }
            return missing.isEmpty ? nil : (request.index, missing)
        }
        var written = 0
        var passedAgain = 0
        for (position, request) in pending.enumerated() {
            if shouldStop() { break }
            let entries: [GalleryIndex.Entry]
            if let kept = galleryTracker?.kept[request.index],
                request.methods.allSatisfy({ $0 == GalleryIndex.imageMethod || kept.maps[$0] != nil })
            {
                entries = try draw(kept, index: request.index, methods: request.methods)
            } else {
                entries = try pictures(of: request.index, methods: request.methods)
                passedAgain += 1
            }
            written += entries.filter { !$0.file.isEmpty }.count
            try index.append(entries, folder: directory.url)
            progress(position + 1, pending.count)
        }
        return (written, passedAgain)
    }

    /// The image at the protocol's map size, as the run scores it (squashed).
    func galleryPicture(_ prepared: PreparedSample) -> RGBImage {
        let size = setup.evaluation.mapSize
        return prepared.resized.width == size && prepared.resized.height == size
            ? prepared.resized : prepared.resized.resized(width: size, height: size, filter: .bilinear)
    }

    /// One image's pictures by a second pass through the model: the maps the run scored, made again.
    func pictures(of datasetIndex: Int, methods methodIDs: [String]) throws
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
        let classification: Classification
        switch self.classification(of: prepared) {
        case .success(let made): classification = made
        case .failure(let failure):
            return methodIDs.map {
                GalleryIndex.Entry(
                    index: datasetIndex, imageID: prepared.sample.id, label: "", method: $0, file: "",
                    threshold: .nan, note: "\(failure)")
            }
        }
        let targets = try targets(of: prepared, classification: classification)
        var truth: GroundTruth?
        if let targets, case .some(.some(let made)) = try groundTruth(of: prepared, targets: targets) { truth = made }
        var kept = GalleryTracker.KeptImage(
            imageID: prepared.sample.id, label: targets?.labelName ?? "", picture: galleryPicture(prepared),
            truth: truth, maps: [:])
        var notes: [String: String] = [:]
        var contexts: [Int: ExplanationContext] = [:]
        for methodID in methodIDs where methodID != GalleryIndex.imageMethod {
            guard let method = setup.methods.first(where: { $0.id == methodID }), let targets, targets.localize else {
                notes[methodID] = "not localized on this image"
                continue
            }
            do {
                let heatmap = try method.explain(
                    try context(
                        for: targets.localizationTarget, prepared: prepared, classification: classification,
                        contexts: &contexts))
                kept.maps[methodID] = ScoreMap(heatmap.normalized(to: evaluation.mapSize))
            } catch {
                notes[methodID] = "method failed: \(error)"
            }
        }
        return try draw(kept, index: datasetIndex, methods: methodIDs, notes: notes)
    }

    /// Writes the pictures of `methods` (and of the image itself when listed) from a kept image's maps; a method
    /// without a map gets an entry without a file and its note.
    func draw(
        _ kept: GalleryTracker.KeptImage, index datasetIndex: Int, methods: [String],
        notes: [String: String] = [:]
    ) throws -> [GalleryIndex.Entry] {
        var entries: [GalleryIndex.Entry] = []
        for method in methods {
            let file = GalleryIndex.file(index: datasetIndex, method: method)
            var entry = GalleryIndex.Entry(
                index: datasetIndex, imageID: kept.imageID, label: kept.label, method: method, file: file,
                threshold: .nan)
            if method == GalleryIndex.imageMethod {
                try write(GalleryPicture.image(kept.picture, truth: kept.truth), to: file)
            } else if let map = kept.maps[method] {
                let binarization = Self.galleryBinarization(map, evaluation: setup.evaluation)
                try write(
                    GalleryPicture.overlay(
                        map: map.values, on: kept.picture, truth: kept.truth, region: binarization?.mask),
                    to: file)
                entry.threshold = binarization?.fraction ?? .nan
            } else {
                entry.file = ""
                entry.note = notes[method] ?? "no map on this image"
            }
            entries.append(entry)
        }
        return entries
    }

    /// The map binarised at the protocol's threshold, with that threshold as a fraction of 1 (levels / 255);
    /// nil under a sweep, whose thresholds are all of them and whose optimum is dataset-level: an outline at a
    /// run's optimum would differ between a run and its merged shards.
    static func galleryBinarization(_ map: ScoreMap, evaluation: EvaluationProtocol) -> (
        mask: BinaryMask, fraction: Double
    )? {
        if case .sweep = evaluation.threshold { return nil }
        let binarization = evaluation.threshold.binarize(map)
        switch evaluation.threshold {
        case .otsu, .fixedOfMaximum, .sweep: return (binarization.mask, binarization.threshold / 255)
        case .mean, .fixed: return (binarization.mask, binarization.threshold)
        }
    }

    /// Writes a picture as a JPEG (quality 85: a 224 x 224 picture in about 12 KB) atomically.
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
