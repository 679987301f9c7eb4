import Foundation

/// The quadrature of integrated gradients: where the path `x' + α (x - x')` is sampled and how each gradient is
/// weighted, exactly as Captum's `approximation_methods.py` defines them (option `rule=`).
package enum IntegrationRule: String, Sendable, CaseIterable, MethodOptionChoice {
    /// Captum's default: Gauss–Legendre nodes and weights of `numpy.polynomial.legendre.leggauss(n)` mapped from
    /// `[-1, 1]` to `[0, 1]` (`α = (1 + t) / 2`, `w = w_t / 2`; the weights sum to 1).
    case gausslegendre
    /// `α = linspace(0, 1 - 1/n, n)`, `w = 1/n`.
    case riemannLeft = "riemann_left"
    /// `α = linspace(1/n, 1, n)`, `w = 1/n`.
    case riemannRight = "riemann_right"
    /// `α = linspace(1/(2n), 1 - 1/(2n), n)`, `w = 1/n`.
    case riemannMiddle = "riemann_middle"
    /// `α = linspace(0, 1, n)`, `w = 1/n` with the two end weights halved. Captum's quirk, kept: the weights sum
    /// to `(n - 1)/n`, not 1 (a textbook trapezoid on this grid would use `1/(n - 1)`).
    case riemannTrapezoid = "riemann_trapezoid"

    /// The smallest step count the rule accepts (Captum asserts `n > 1` for the Riemann rules).
    package var minimumSteps: Int { self == .gausslegendre ? 1 : 2 }

    /// The path positions `α_i` and weights `w_i` for `steps` points, in Captum's order (ascending `α`).
    package func nodes(steps: Int) -> (alphas: [Double], weights: [Double]) {
        precondition(steps >= minimumSteps, "IntegrationRule: \(steps) steps")
        let count = Double(steps)
        func linspace(_ start: Double, _ end: Double) -> [Double] {
            (0..<steps).map { start + (end - start) * Double($0) / (count - 1) }
        }
        switch self {
        case .gausslegendre:
            let (points, weights) = Self.gaussLegendre(steps)
            return (points.map { 0.5 * (1 + $0) }, weights.map { 0.5 * $0 })
        case .riemannLeft:
            return (linspace(0, 1 - 1 / count), Array(repeating: 1 / count, count: steps))
        case .riemannRight:
            return (linspace(1 / count, 1), Array(repeating: 1 / count, count: steps))
        case .riemannMiddle:
            return (linspace(1 / (2 * count), 1 - 1 / (2 * count)), Array(repeating: 1 / count, count: steps))
        case .riemannTrapezoid:
            var weights = Array(repeating: 1 / count, count: steps)
            weights[0] /= 2
            weights[steps - 1] /= 2
            return (linspace(0, 1), weights)
        }
    }

    /// Gauss–Legendre nodes (ascending, in `[-1, 1]`) and weights by Newton's method on `P_n` from the usual
    /// cosine first guess, to double precision (what `leggauss` returns within ~1e-15).
    private static func gaussLegendre(_ n: Int) -> ([Double], [Double]) {
        /// `P_n(x)` and `P_n'(x)` by the three-term recurrence.
        func legendre(_ x: Double) -> (value: Double, derivative: Double) {
            var previous = 1.0
            var current = x
            for order in stride(from: 2, through: n, by: 1) {
                let degree = Double(order)
                let next = ((2 * degree - 1) * x * current - (degree - 1) * previous) / degree
                previous = current
                current = next
            }
            return (current, Double(n) * (x * current - previous) / (x * x - 1))
        }
        var points = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for index in 0..<n {
            var x = cos(Double.pi * (Double(index) + 0.75) / (Double(n) + 0.5))
            for _ in 0..<100 {
                let (value, derivative) = legendre(x)
                let step = value / derivative
                x -= step
                if Swift.abs(step) <= 1e-16 { break }
            }
            let derivative = legendre(x).derivative
            // The cosine guesses run from the largest root down; store the roots ascending, as leggauss does.
            points[n - 1 - index] = x
            weights[n - 1 - index] = 2 / ((1 - x * x) * derivative * derivative)
        }
        return (points, weights)
    }
}
