import Datasets
import Evaluation
import Explainers
import Foundation
import Imaging
import Reports
import Tensor
import ViT

/// One benchmark run: streams a dataset through the model, explains each image with every method, scores
/// the maps under one protocol and appends the rows to a resumable run folder.
///
/// Per image: decode and preprocess (prefetched on another thread) → one forward → the protocol's filter and
/// target class → one ``ExplanationContext`` shared by all methods → each map normalised at the protocol's
/// map size → ``MapScoring`` rows → one durable block in `per_image.csv`. A sample that cannot be read is
/// recorded in `skipped.csv` and the run goes on; a method that fails on one image is recorded there too (with
/// NaN rows) while the other methods still count. Images already complete in the folder are not redone.
package final class BenchmarkRun {
    /// What a run needs, all validated before any image is read.
    package struct Setup {
        package var dataset: any Dataset
        package var model: ViTModel
        package var preprocessing: PreprocessingSettings
        package var methods: [any ExplanationMethod]
        package var evaluation: EvaluationProtocol
        /// Dataset indices to evaluate (after `--limit` and `--shard`), in order.
        package var indices: [Int]

        package init(
            dataset: any Dataset, model: ViTModel, preprocessing: PreprocessingSettings,
            methods: [any ExplanationMethod], evaluation: EvaluationProtocol, indices: [Int]
        ) {
            self.dataset = dataset
            self.model = model
            self.preprocessing = preprocessing
            self.methods = methods
            self.evaluation = evaluation
            self.indices = indices
        }
    }

    /// Progress after each image.
    package struct Progress: Sendable {
        package var done: Int
        package var total: Int
        package var skipped: Int
        package var elapsed: Double
        /// Seconds spent in model passes, map building and scoring (forward, backward, LRP, batched passes).
        package var passSeconds: Double
    }

    /// Why a run cannot start.
    package enum SetupError: Error, CustomStringConvertible {
        case modelDoesNotFitDataset(String)
        case preprocessing(String)

        package var description: String {
            switch self {
            case .modelDoesNotFitDataset(let reason), .preprocessing(let reason):
                reason
            }
        }
    }

    package let setup: Setup
    package let directory: RunDirectory
    /// The protocol's perturbation test, when it has one.
    let perturbationRunner: PerturbationRunner?

    /// The maps of the images the gallery will show, kept as the run goes (nil without a gallery).
    let galleryTracker: GalleryTracker?

    /// The memory target the batched passes size their chunks by (`bench run --memory`).
    package var passMemory = PassMemory()

    /// Checks that the model, preprocessing and protocol fit the dataset; throws ``SetupError`` otherwise.
    /// - Parameter galleryCount: the images the report's gallery shows with every method (0 for none); their
    ///   maps are kept while the run goes, for ``renderGallery(_:progress:shouldStop:)``.
    package init(setup: Setup, directory: RunDirectory, galleryCount: Int = 0) throws {
        perturbationRunner = try Self.check(setup)
        self.setup = setup
        self.directory = directory
        galleryTracker = galleryCount > 0 ? GalleryTracker(count: galleryCount, evaluation: setup.evaluation) : nil
    }

    /// Throws ``SetupError`` when the model, preprocessing or protocol do not fit the dataset; a command calls
    /// it before it creates a run folder, so a refused run leaves nothing behind.
    /// - Returns: the protocol's perturbation runner, when it has a perturbation test.
    @discardableResult
    package static func check(_ setup: Setup) throws -> PerturbationRunner? {
        let classes = setup.model.config.classes
        let datasetClasses = setup.dataset.classNames.count
        guard classes == datasetClasses else {
            throw SetupError.modelDoesNotFitDataset(
                "the model has \(classes) classes but the dataset \(setup.dataset.name) has \(datasetClasses) "
                    + "(\(setup.dataset.classNames.prefix(5).joined(separator: ", "))...); "
                    + "use a checkpoint trained on this dataset's classes")
        }
        guard setup.preprocessing.policy == .squash && setup.preprocessing.cropPct == 1 else {
            throw SetupError.preprocessing(
                "protocols compare maps with annotations of the whole image, so the input must be the whole "
                    + "image resized to \(setup.preprocessing.size)x\(setup.preprocessing.size) "
                    + "(--policy squash, crop 1, as in Chefer's and AG-CAM's code)")
        }
        return try setup.evaluation.perturbation.map { settings in
            try PerturbationRunner(
                model: setup.model, settings: settings,
                normalization: PerturbationNormalization(setup.preprocessing.normalization))
        }
    }

    /// Evaluates every image of ``Setup/indices`` not already complete in the folder. `progress` is called
    /// after each image; `shouldStop` is polled between images (a signal handler sets it) and ends the run
    /// cleanly after the current image.
    package func run(progress: (Progress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws {
        let pending = setup.indices.filter { !directory.completed.contains($0) }
        let dataset = setup.dataset
        let settings = setup.preprocessing
        let masks = Self.maskSelection(for: setup.evaluation)
        let maskSize = setup.evaluation.mapSize
        let maskResampling = setup.evaluation.maskResampling
        let prefetcher = Prefetcher<Result<PreparedSample, SampleProblem>>(indices: pending) { index in
            Self.prepare(
                index: index, dataset: dataset, settings: settings, masks: masks, maskSize: maskSize,
                maskResampling: maskResampling)
        }
        defer { prefetcher.cancel() }
        let start = Date()
        var passSeconds = 0.0
        var done = 0
        var skipped = 0
        while let (_, item) = prefetcher.nextItem() {
            switch item {
            case .failure(let problem):
                try directory.appendSkipped(
                    index: problem.index, imageID: problem.imageID, path: problem.path, reason: problem.reason)
                skipped += 1
            case .success(let prepared):
                passSeconds += try evaluate(prepared)
            }
            done += 1
            progress(
                Progress(
                    done: done, total: pending.count, skipped: skipped, elapsed: Date().timeIntervalSince(start),
                    passSeconds: passSeconds))
            if shouldStop() { break }
        }
    }

    /// The masks a protocol scores against: a bad mask skips a sample only where the mask would be used, so a
    /// run under a boxes ground truth still scores an image whose mask is broken (`bench inspect --decode`
    /// reports it as a mask failure either way).
    static func maskSelection(for evaluation: EvaluationProtocol) -> Sample.MaskSelection {
        evaluation.groundTruth == .boxes ? .none : .segmentation
    }

    /// Reads, decodes, checks and preprocesses one sample; every failure of the sample (its annotation, its
    /// image, the checks of ``Sample/validated(against:masks:)``, the masks in `masks`) becomes the
    /// ``SampleProblem`` the run records in `skipped.csv`, never a thrown error.
    /// - Parameter maskSize: when given, the mask is brought to `maskSize x maskSize` here (by `maskResampling`), as
    ///   ``GroundTruthBuilder`` would, so the prefetched samples hold map-size masks, not full-size ones.
    static func prepare(
        index: Int, dataset: any Dataset, settings: PreprocessingSettings, masks: Sample.MaskSelection,
        maskSize: Int? = nil, maskResampling: MaskResampling = .pillowNearest
    ) -> Result<PreparedSample, SampleProblem> {
        let id = dataset.sampleID(at: index)
        var path = ""
        do {
            let sample = try dataset.sample(at: index)
            path = sample.imagePath ?? ""
            let image = try sample.loadImage()
            let loaded = try sample.validated(against: image, masks: masks)
            let resized = Preprocessing.resizedAndCropped(image, settings: settings)
            let planes = resized.normalizedPlanes(settings.normalization)
            let input = Tensor(shape: [1, 3, settings.size, settings.size], storage: planes)
            return .success(
                PreparedSample(
                    index: index, sample: sample, imageSize: (image.width, image.height), input: input,
                    resized: resized,
                    segmentation: loaded.segmentation.map { mask in
                        maskSize.map { GroundTruthBuilder.resized(mask, to: $0, resampling: maskResampling) } ?? mask
                    }))
        } catch let error as DatasetError {
            return .failure(SampleProblem(index: index, imageID: id, path: error.path, reason: "\(error)"))
        } catch {
            return .failure(SampleProblem(index: index, imageID: id, path: path, reason: "\(error)"))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
