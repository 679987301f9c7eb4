/// Pointing game and energy-based pointing game of one map against a ground-truth mask.
public enum PointingGame {
    /// Zhang et al. 2018 as Quantus `PointingGame` implements it (evaluation.md §2.2): a hit when any pixel
    /// attaining the map's maximum lies inside the ground truth (ties: any maximum counts). Void pixels never
    /// count as inside. No tolerance radius.
    public static func hit(_ map: ScoreMap, truth: GroundTruth) -> Bool {
        map.values.withUnsafeBufferPointer { values in
            // A plain compare-and-select loop: `Sequence.max()` is several times slower on 50k floats.
            var peak = -Float.infinity
            for value in values { peak = value > peak ? value : peak }
            return truth.foreground.bits.withUnsafeBufferPointer { foreground in
                truth.ignore.bits.withUnsafeBufferPointer { ignore in
                    values.indices.contains { values[$0] == peak && foreground[$0] != 0 && ignore[$0] == 0 }
                }
            }
        }
    }

    /// Energy-based pointing game (Score-CAM, Wang et al. 2020; Quantus `AttributionLocalisation` without its
    /// 1e-9): the share of the map's mass inside the ground truth, `sum(s * gt) / sum(s)` over non-void pixels,
    /// summed in float64. An all-zero map (the normalised constant map) scores 0.
    public static func energy(_ map: ScoreMap, truth: GroundTruth) -> Double {
        var inside = 0.0
        var total = 0.0
        map.values.withUnsafeBufferPointer { values in
            truth.foreground.bits.withUnsafeBufferPointer { foreground in
                truth.ignore.bits.withUnsafeBufferPointer { ignore in
                    for index in values.indices where ignore[index] == 0 {
                        let value = Double(values[index])
                        total += value
                        inside += foreground[index] != 0 ? value : 0
                    }
                }
            }
        }
        return total > 0 ? inside / total : 0
    }

    /// AUC-ROC of the map's float scores against the ground truth, non-void pixels (Quantus `AUC`, scikit-learn
    /// `roc_auc_score`); `nil` when the image has no foreground or no background pixel.
    public static func rocAUC(_ map: ScoreMap, truth: GroundTruth) -> Double? {
        RankedScores(map: map, truth: truth).rocAUC
    }
}
