import Evaluation
import Imaging
import Reports

/// Keeps, while a run goes, the maps of the images the gallery will show, so the gallery pass draws them
/// from memory instead of passing those images through the model again.
///
/// It follows ``GallerySelection``'s order online: the `count` images with the largest spread of the ranking
/// metric across methods (ties: lower index), and each method's best and worst image; an image's maps are kept
/// while it is a candidate and dropped when it stops being one, so memory stays at most `count` images' maps of
/// every method plus two maps per method, however long the run. The selection the gallery draws is still made
/// from the rows at the end; any picture it needs that this kept nothing for (an image evaluated in an earlier
/// process, before a resume) is drawn by a second pass, with the same code and the same map.
final class GalleryTracker {
    /// What one kept image needs for its pictures.
    struct KeptImage {
        var imageID: String
        var label: String
        /// The image at the protocol's map size.
        var picture: RGBImage
        var truth: GroundTruth?
        /// Per method, the normalised map the run scored.
        var maps: [String: ScoreMap]
    }

    let count: Int
    let metric: Metric?
    private(set) var shared: [(index: Int, spread: Double)] = []
    private(set) var best: [String: (index: Int, value: Double)] = [:]
    private(set) var worst: [String: (index: Int, value: Double)] = [:]
    private(set) var kept: [Int: KeptImage] = [:]

    init(count: Int, evaluation: EvaluationProtocol) {
        self.count = count
        metric = GallerySelection.rankingMetric(of: evaluation)
    }

    /// Offers one evaluated image: its ranking-metric value per method (NaN left out) and, called only when the
    /// image becomes a candidate, what its pictures need.
    func offer(index: Int, values: [String: Double], image: () -> KeptImage) {
        guard count > 0 else { return }
        let spread = metric == nil ? 0 : GallerySelection.standardDeviation(values)
        // The same order as GallerySelection: larger spread first, then lower index (the index alone without a
        // metric, since every spread is then 0).
        func before(_ a: (index: Int, spread: Double), _ b: (index: Int, spread: Double)) -> Bool {
            a.spread != b.spread ? a.spread > b.spread : a.index < b.index
        }
        shared.append((index, spread))
        shared.sort(by: before)
        if shared.count > count { shared.removeLast() }
        if metric != nil {
            for (method, value) in values {
                if Self.replaces((index, value), best[method], higher: true) { best[method] = (index, value) }
                if Self.replaces((index, value), worst[method], higher: false) { worst[method] = (index, value) }
            }
        }
        let candidate =
            shared.contains { $0.index == index } || best.values.contains { $0.index == index }
            || worst.values.contains { $0.index == index }
        if candidate { kept[index] = image() }
        prune()
    }

    /// Whether `candidate` takes the place of `current` as the best (`higher`) or worst value: a strictly
    /// better value, or the same value at a lower index, as ``GallerySelection`` breaks ties.
    static func replaces(
        _ candidate: (index: Int, value: Double), _ current: (index: Int, value: Double)?, higher: Bool
    )
        -> Bool
    {
        guard let current else { return true }
        if candidate.value != current.value {
            return higher ? candidate.value > current.value : candidate.value < current.value
        }
        return candidate.index < current.index
    }

    /// Drops the maps no candidate needs.
    private func prune() {
        let sharedIndices = Set(shared.map(\.index))
        for (index, image) in kept {
            if sharedIndices.contains(index) { continue }
            let needed = image.maps.filter { method, _ in best[method]?.index == index || worst[method]?.index == index
            }
            if needed.isEmpty {
                kept.removeValue(forKey: index)
            } else if needed.count != image.maps.count {
                kept[index]?.maps = needed
            }
        }
    }
}
