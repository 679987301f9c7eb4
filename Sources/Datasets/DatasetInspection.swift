import Foundation
import Imaging

/// A layout check of a dataset: counts, classes, and every sample whose files or annotations are invalid.
///
/// `bench inspect` prints it so a user can fix a layout before a long run. The checks are the ones a run
/// would hit: the annotation parses, the image file exists, boxes lie inside the declared size; with
/// `decode` also ``Sample/validated(against:masks:)``, the function a run's prefetch thread calls: the image
/// decodes, its size is the declared one, the masks decode and match the image and each labelled class has
/// foreground pixels in a semantic mask. Masks are all checked whatever the protocol; a failure that only a
/// mask causes is marked with its ``SampleFailure/Stage``, since a run skips the sample only when its
/// protocol's ground truth uses that mask.
public struct DatasetInspection: Sendable {
    /// Samples checked.
    public private(set) var sampleCount = 0
    /// Samples that passed every check.
    public private(set) var validCount = 0
    /// Samples with a segmentation mask.
    public private(set) var segmentedCount = 0
    /// Annotated objects (boxes) over all valid samples.
    public private(set) var objectCount = 0
    /// Objects flagged difficult.
    public private(set) var difficultCount = 0
    /// Images whose labels hold more than one class.
    public private(set) var multiClassCount = 0
    /// Per class index: images labelled with it.
    public private(set) var imagesPerClass: [Int: Int] = [:]
    /// Every failed check, in dataset order.
    public private(set) var failures: [SampleFailure] = []

    /// Checks every sample of `dataset` (or the first `limit`).
    /// - Parameters:
    ///   - decode: also decode images and masks (slower; catches corrupt files).
    ///   - progress: called after each sample with the number done.
    public init(
        of dataset: any Dataset, decode: Bool = false, limit: Int? = nil, progress: ((Int) -> Void)? = nil
    ) {
        let total = min(dataset.count, limit ?? dataset.count)
        for index in 0..<total {
            sampleCount += 1
            let id = dataset.sampleID(at: index)
            do {
                let sample = try dataset.sample(at: index)
                try Self.check(sample, decode: decode)
                validCount += 1
                if sample.segmentation != nil { segmentedCount += 1 }
                objectCount += sample.objects.count
                difficultCount += sample.objects.filter(\.isDifficult).count
                if sample.labels.count > 1 { multiClassCount += 1 }
                for label in sample.labels { imagesPerClass[label, default: 0] += 1 }
            } catch let failure as SampleFailure {
                failures.append(failure)
            } catch let error as DatasetError {
                failures.append(SampleFailure(sampleID: id, error: error))
            } catch let error as ImageError {
                failures.append(SampleFailure(sampleID: id, error: .image(error)))
            } catch {
                failures.append(SampleFailure(sampleID: id, error: .malformedAnnotation(path: id, reason: "\(error)")))
            }
            progress?(index + 1)
        }
    }

    /// The checks of one sample; with `decode`, a failure is thrown as a ``SampleFailure`` with its stage.
    static func check(_ sample: Sample, decode: Bool) throws {
        if let path = sample.imagePath, !FileManager.default.fileExists(atPath: path) {
            throw DatasetError.missingFile(path: path)
        }
        if let size = sample.declaredSize {
            for object in sample.objects {
                guard let box = object.box else { continue }
                if !box.isInside(width: size.width, height: size.height) {
                    throw DatasetError.boxOutsideImage(
                        path: sample.imagePath ?? sample.id, box: box.description, width: size.width,
                        height: size.height)
                }
            }
        }
        guard decode else { return }
        let image = try sample.loadImage()
        do {
            _ = try sample.validated(against: image, masks: .all)
        } catch {
            // Which part failed: the image-level checks, the semantic mask, or only the instance mask.
            let stage: SampleFailure.Stage
            if (try? sample.validated(against: image, masks: .none)) == nil {
                stage = .image
            } else if (try? sample.validated(against: image, masks: .segmentation)) == nil {
                stage = .segmentationMask
            } else {
                stage = .instanceMask
            }
            throw SampleFailure(sampleID: sample.id, error: error, stage: stage)
        }
    }
}
