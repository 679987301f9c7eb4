/// A dataset adapter: an indexed list of samples whose annotations are parsed on demand.
///
/// Opening a dataset reads only its index (split lists, metadata tables); ``sample(at:)`` parses one sample's
/// annotations and returns lazily decoded images, so a run streams and never holds the whole dataset.
public protocol Dataset: Sendable {
    /// Adapter id as used on the command line (`voc`, `imagenet`, ...).
    var name: String { get }
    /// The split that was opened (`val`, `test`, ...).
    var split: String { get }
    /// Class names, indexed by class index.
    var classNames: [String] { get }
    /// Number of samples in the split.
    var count: Int { get }
    /// The id of sample `index` without parsing its annotations.
    func sampleID(at index: Int) -> String
    /// Parses sample `index`.
    /// - Throws: ``DatasetError`` naming the file and reason; the caller records and skips the sample.
    func sample(at index: Int) throws -> Sample
}

extension Dataset {
    /// Streams every sample in order: each element is the sample or the failure that replaced it.
    public func samples() -> some Sequence<Result<Sample, SampleFailure>> {
        (0..<count).lazy.map { index in
            do {
                return .success(try sample(at: index))
            } catch let error as DatasetError {
                return .failure(SampleFailure(sampleID: sampleID(at: index), error: error))
            } catch {
                return .failure(
                    SampleFailure(
                        sampleID: sampleID(at: index),
                        error: .malformedAnnotation(path: sampleID(at: index), reason: "\(error)")))
            }
        }
    }
}
