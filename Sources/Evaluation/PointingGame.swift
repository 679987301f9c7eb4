/// Pointing game and energy-based pointing game of one map against a ground-truth mask.
public enum PointingGame {
    /// Zhang et al. 2018 as Quantus `PointingGame` implements it (evaluation.md §2.2): a hit when any pixel
    /// attaining the map's maximum lies inside the ground truth (ties: any maximum counts). Void pixels never
    /// count as inside. No tolerance radius.
    public static func hit(_ map: ScoreMap, truth: GroundTruth) -> Bool {
        guard let peak = map.values.max() else { return false }
        for index in map.values.indices
        where map.values[index] == peak && truth.foreground.bits[index] != 0 && truth.ignore.bits[index] == 0 {
            return true
        }
        return false
    }

    /// Energy-based pointing game (Score-CAM, Wang et al. 2020; Quantus `AttributionLocalisation` without its
    /// 1e-9): the share of the map's mass inside the ground truth, `sum(s * gt) / sum(s)` over non-void pixels,
    /// summed in float64. An all-zero map (the normalised constant map) scores 0.
    public static func energy(_ map: ScoreMap, truth: GroundTruth) -> Double {
        var inside = 0.0
        var total = 0.0
        for index in map.values.indices where truth.ignore.bits[index] == 0 {
            let value = Double(map.values[index])
            total += value
            if truth.foreground.bits[index] != 0 { inside += value }
        }
        return total > 0 ? inside / total : 0
    }

    /// AUC-ROC of the map's float scores against the ground truth, non-void pixels (Quantus `AUC`, scikit-learn
    /// `roc_auc_score`); `nil` when the image has no foreground or no background pixel.
    public static func rocAUC(_ map: ScoreMap, truth: GroundTruth) -> Double? {
        RankedScores(map: map, truth: truth).rocAUC
    }
}
