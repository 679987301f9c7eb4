import Evaluation

/// The per-image rows of a map's perturbation curves.
///
/// Each curve gives its points as `curve:<mode>-<order>@<position>` (averaged per step into `curves.csv`)
/// and its area under the protocol's rule as `auc-<mode>-<order>` (as a fraction: Chefer's `trapz x 100` is
/// stored divided by 100, and tables print every metric x100); with both deletion orders, `abpc` is the
/// LeRF area minus the MoRF area (AG-CAM's ABPC: a mean of per-image differences equals the difference of the
/// dataset means, since both are linear). The unperturbed point is `curve:...@0` when the rule prepends it
/// (Chefer's trapezoid), so the plotted curve starts where the area does.
public enum PerturbationScoring {
    /// `(metric, value)` pairs for one image.
    public static func rows(_ curves: [PerturbationCurve], settings: PerturbationSettings) -> [(String, Double)] {
        var rows: [(String, Double)] = []
        var areas: [PerturbationSettings.Curve: Double] = [:]
        for curve in curves {
            let name = "\(curve.curve.mode.rawValue)-\(curve.curve.order.rawValue)"
            if settings.area == .trapezoidWithUnperturbedTimes100 && curve.positions.first != 0 {
                rows.append(("curve:\(name)@0.0", curve.unperturbedScore))
            }
            for (position, score) in zip(curve.positions, curve.scores) {
                rows.append(("curve:\(name)@\(position)", score))
            }
            // Every stored value is a fraction; tables print x100. Chefer's rule already multiplies by 100.
            let area =
                settings.area == .trapezoidWithUnperturbedTimes100
                ? curve.area(settings.area) / 100 : curve.area(settings.area)
            areas[curve.curve] = area
            rows.append(("auc-\(name)", area))
        }
        if let morf = areas[.init(mode: .deletion, order: .mostRelevantFirst)],
            let lerf = areas[.init(mode: .deletion, order: .leastRelevantFirst)]
        {
            rows.append(("abpc", lerf - morf))
        }
        return rows
    }
}
