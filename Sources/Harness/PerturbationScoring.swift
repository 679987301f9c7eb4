import Evaluation

/// The per-image rows of a map's perturbation curves.
///
/// Each curve gives its points (``MetricRow/curvePoint(_:position:)``, averaged per step into `curves.csv`)
/// and, when the protocol lists it, its area under the protocol's rule (``Metric/perturbationArea(_:)``, as a
/// fraction: Chefer's `trapz x 100` is stored divided by 100, and tables print every metric x100); with both
/// deletion orders, ``Metric/abpc`` is the LeRF area minus the MoRF area (AG-CAM's ABPC: a mean of per-image
/// differences equals the difference of the dataset means, since both are linear). The unperturbed point is at
/// position 0 when the rule prepends it (Chefer's trapezoid), so the plotted curve starts where the area does.
package enum PerturbationScoring {
    /// The rows of one image's `curves` for the protocol's `metrics`.
    package static func rows(
        _ curves: [PerturbationCurve], settings: PerturbationSettings, metrics: [Metric]
    ) -> [(MetricRow, Double)] {
        var rows: [(MetricRow, Double)] = []
        var areas: [PerturbationSettings.Curve: Double] = [:]
        for curve in curves {
            if settings.area == .trapezoidWithUnperturbedTimes100 && curve.positions.first != 0 {
                rows.append((.curvePoint(curve.curve, position: 0.0), curve.unperturbedScore))
            }
            for (position, score) in zip(curve.positions, curve.scores) {
                rows.append((.curvePoint(curve.curve, position: position), score))
            }
            // Every stored value is a fraction; tables print x100. Chefer's rule already multiplies by 100.
            let area =
                settings.area == .trapezoidWithUnperturbedTimes100
                ? curve.area(settings.area) / 100 : curve.area(settings.area)
            areas[curve.curve] = area
            if metrics.contains(.perturbationArea(curve.curve)) {
                rows.append((.value(.perturbationArea(curve.curve)), area))
            }
        }
        if metrics.contains(.abpc), let morf = areas[.deletionMoRF], let lerf = areas[.deletionLeRF] {
            rows.append((.value(.abpc), lerf - morf))
        }
        return rows
    }
}
