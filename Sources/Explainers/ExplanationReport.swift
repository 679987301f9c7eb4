import Foundation
import Imaging
import ScoreMaps
import Tensor
import ViT

/// Explains one image with several methods and writes what `bench explain` promises into a folder: per method
/// `<stem>.grid.npy` (the raw map), `<stem>.npy` (input resolution, min-max normalised, float32) and
/// `<stem>.png` (``HeatmapOverlay`` on the image), plus `prediction.json` and `sheet.png` (the image and every
/// method's overlay, captioned with the method id).
///
/// One forward pass chooses the target class and is shared by every method through one
/// ``ExplanationContext``. A method that throws is recorded in ``outcomes`` (and reported through `progress`)
/// and the others still run; it gets a grey tile on the sheet.
public struct ExplanationReport: Sendable {
    /// Which class the maps explain.
    public enum TargetChoice: Equatable, Sendable, CustomStringConvertible {
        /// The `k`-th most probable class (1 = the prediction); ties go to the lower index.
        case rank(Int)
        /// A class index.
        case index(Int)

        /// Parses `top1`, `top2`, ... or a class index.
        public init?(_ text: String) {
            if text.hasPrefix("top"), let rank = Int(text.dropFirst(3)), rank >= 1 {
                self = .rank(rank)
            } else if let index = Int(text), index >= 0 {
                self = .index(index)
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .rank(let rank): "top\(rank)"
            case .index(let index): "\(index)"
            }
        }
    }

    /// One class of the prediction.
    public struct ClassScore: Codable, Equatable, Sendable {
        public var index: Int
        public var name: String
        public var logit: Float
        public var probability: Double
    }

    /// What `prediction.json` holds.
    public struct Prediction: Codable, Equatable, Sendable {
        /// The image id (file stem).
        public var image: String?
        /// How the target was chosen (`top1`, `top2`, or the index as given).
        public var targetChoice: String
        /// The class the maps explain.
        public var target: ClassScore
        /// The five most probable classes, best first.
        public var top5: [ClassScore]
        /// Every logit, `[classes]`.
        public var logits: [Float]
        /// Softmax of the logits in double precision, `[classes]`.
        public var probabilities: [Double]
    }

    /// How one method fared.
    public struct MethodOutcome: Sendable {
        /// The method id with its options.
        public var id: String
        /// The file-name stem its files use (``fileStem(for:)``).
        public var fileStem: String
        /// Wall time of `explain` plus the passes it triggered first (shared passes count for the first method
        /// that needs them).
        public var seconds: Double
        /// What normalisation found in the map, or the error the method threw.
        public var result: Result<MapCondition, ExplainerError>
    }

    /// Why the report could not be written.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The target class is not one of the model's classes.
        case badTarget(String, classes: Int)
        /// The image does not have the model's input size.
        case imageSize(width: Int, height: Int, expected: Int)
        /// A file or the folder could not be written.
        case writeFailed(path: String, reason: String)
        /// The context refused the input.
        case context(ExplainerError)

        public var description: String {
            switch self {
            case .badTarget(let choice, let classes):
                "--class \(choice): the model has \(classes) classes (0...\(classes - 1))"
            case .imageSize(let width, let height, let expected):
                "the image is \(width)x\(height); the model's input is \(expected)x\(expected)"
            case .writeFailed(let path, let reason): "\(path): cannot write: \(reason)"
            case .context(let error): "\(error)"
            }
        }
    }

    public let prediction: Prediction
    public let outcomes: [MethodOutcome]

    /// Runs `methods` on one image and writes the files into `directory` (created if needed).
    /// - Parameters:
    ///   - image: the preprocessed image before normalisation (resized and cropped, `S x S`), for the overlays.
    ///   - input: the model input made from it, `[1, C, S, S]`.
    ///   - classNames: names by class index when they match the model's classes (else `class N`).
    ///   - progress: receives one line per method.
    public static func write(
        model: ViTModel, image: RGBImage, input: Tensor, methods: [any ExplanationMethod], target: TargetChoice,
        imageID: String? = nil, normalization: PixelNormalization? = nil, classNames: [String]? = nil,
        to directory: String, progress: (String) -> Void = { _ in }
    ) throws(Failure) -> ExplanationReport {
        let config = model.config
        guard image.width == config.imageSize, image.height == config.imageSize else {
            throw .imageSize(width: image.width, height: image.height, expected: config.imageSize)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: directory, reason: error.localizedDescription)
        }
        let expected = [1, config.channels, config.imageSize, config.imageSize]
        guard input.shape == expected else { throw .context(.inputShape(expected: expected, found: input.shape)) }
        let clock = ContinuousClock()
        let forwardStart = clock.now
        let trace = model.forward(input)
        let forwardTime = clock.now - forwardStart
        let names = classNames?.count == config.classes ? classNames : nil
        let prediction = try predict(trace.logits.storage, target: target, image: imageID, names: names)
        progress("forward \(format(forwardTime)); target class \(prediction.target.index) \(prediction.target.name)")

        let context: ExplanationContext
        do {
            context = try ExplanationContext(
                model: model, trace: trace, targetClass: prediction.target.index, imageID: imageID,
                normalization: normalization)
        } catch {
            throw .context(error)
        }
        var outcomes: [MethodOutcome] = []
        let target = prediction.target
        let caption = target.name == "class \(target.index)" ? target.name : "\(target.index) \(target.name)"
        var tiles = [ContactSheet.Tile(image: image, caption: caption)]
        var stems = Set<String>()
        for (position, method) in methods.enumerated() {
            var stem = fileStem(for: method.id)
            var suffix = 2
            while stems.contains(stem) {
                stem = fileStem(for: method.id) + "-\(suffix)"
                suffix += 1
            }
            stems.insert(stem)
            let start = clock.now
            let result: Result<Heatmap, ExplainerError>
            do throws(ExplainerError) {
                result = .success(try method.explain(context))
            } catch {
                result = .failure(error)
            }
            let elapsed = clock.now - start
            let counter = "[\(position + 1)/\(methods.count)] \(method.id)"
            switch result {
            case .success(let heatmap):
                let normalized = heatmap.normalized(to: config.imageSize)
                let overlay = HeatmapOverlay.overlay(normalized.values.storage, on: image)
                try save(heatmap.grid, to: "\(directory)/\(stem).grid.npy")
                try save(normalized.values, to: "\(directory)/\(stem).npy")
                try save(overlay, to: "\(directory)/\(stem).png")
                tiles.append(ContactSheet.Tile(image: overlay, caption: method.id))
                outcomes.append(
                    MethodOutcome(
                        id: method.id, fileStem: stem, seconds: seconds(elapsed), result: .success(normalized.condition)
                    ))
                let note = normalized.condition == .normal ? "" : " (\(normalized.condition.rawValue) map)"
                progress("\(counter): \(format(elapsed))\(note)")
            case .failure(let error):
                tiles.append(
                    ContactSheet.Tile(
                        image: RGBImage(width: image.width, height: image.height, fill: (160, 160, 160)),
                        caption: "\(method.id) failed"))
                outcomes.append(
                    MethodOutcome(id: method.id, fileStem: stem, seconds: seconds(elapsed), result: .failure(error)))
                progress("\(counter): failed: \(error)")
            }
        }
        try save(ContactSheet.render(tiles, minimumTileWidth: 160), to: "\(directory)/sheet.png")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = "\(directory)/prediction.json"
        do {
            try encoder.encode(prediction).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        return ExplanationReport(prediction: prediction, outcomes: outcomes)
    }

    /// A file-name stem for a method id: every character other than ASCII letters, digits, `.`, `=`, `-` and `_`
    /// becomes `_` (`rollout:start=1` → `rollout_start=1`, `maps:/x/y` → `maps__x_y`).
    public static func fileStem(for id: String) -> String {
        String(
            id.unicodeScalars.map { scalar -> Character in
                let allowed =
                    scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || ".=-_".unicodeScalars.contains(scalar))
                return allowed ? Character(scalar) : "_"
            })
    }

    /// The prediction for one row of logits `[classes]`.
    static func predict(_ logits: [Float], target: TargetChoice, image: String?, names: [String]?)
        throws(Failure) -> Prediction
    {
        let largest = Double(logits.max() ?? 0)
        let exponentials = logits.map { exp(Double($0) - largest) }
        let total = exponentials.reduce(0, +)
        let probabilities = exponentials.map { $0 / total }
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        func score(_ index: Int) -> ClassScore {
            ClassScore(
                index: index, name: names?[index] ?? "class \(index)", logit: logits[index],
                probability: probabilities[index])
        }
        let targetIndex: Int
        switch target {
        case .rank(let rank):
            guard rank <= logits.count else { throw .badTarget(target.description, classes: logits.count) }
            targetIndex = order[rank - 1]
        case .index(let index):
            guard index < logits.count else { throw .badTarget(target.description, classes: logits.count) }
            targetIndex = index
        }
        return Prediction(
            image: image, targetChoice: target.description, target: score(targetIndex),
            top5: order.prefix(5).map(score), logits: logits, probabilities: probabilities)
    }

    private static func save(_ tensor: Tensor, to path: String) throws(Failure) {
        do {
            try NPY.write(tensor, to: path)
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }

    private static func save(_ image: RGBImage, to path: String) throws(Failure) {
        do {
            try PNGCodec.encode(image).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static func format(_ duration: Duration) -> String {
        String(format: "%.3f s", seconds(duration))
    }
}
