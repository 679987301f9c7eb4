import Foundation

/// One class of the synthetic dataset: a shape with its own texture and colour scheme.
///
/// Shapes and textures are defined in the object's own frame `(u, v)`: the unit disc, `u` to the right and `v`
/// downwards before rotation. Every shape lies inside the disc (radius <= 0.97), so an object of radius `r`
/// centred at least `r` pixels from each image edge is never cut by the border. Textures are periodic in
/// `(u, v)`, so they scale and rotate with the object. Colours are saturated and differ from class to class,
/// while backgrounds and distractors are muted (see ``SyntheticScene``), so both shape and texture tell the class.
///
/// Only IEEE basic arithmetic (`+ - * /`, `sqrt`, `rounded(.down)`) runs per pixel, so the result does not depend
/// on a platform's libm; the star's vertices use `cos`/`sin` once, at start-up.
public enum SyntheticClass: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// A disc with straight red and white stripes.
    case stripedCircle
    /// A square with a blue and yellow checkerboard.
    case checkerSquare
    /// An equilateral triangle, green with white polka dots.
    case dottedTriangle
    /// A five-pointed star with a radial yellow-to-orange gradient.
    case gradientStar
    /// An annulus with concentric magenta and cyan bands.
    case bandedRing
    /// A plus sign with purple and lime zigzag bands.
    case zigzagCross
    /// A regular hexagon, teal with a black square grid.
    case gridHexagon
    /// An ellipse (axes 0.95 and 0.55) with wavy pink and navy bands.
    case wavyEllipse
    /// A rhombus with a sky-blue, steel-blue and dark-green plaid.
    case plaidDiamond
    /// A heart, crimson with black cross-hatching.
    case hatchedHeart

    /// The class name written to the annotations: lowercase snake case, a valid identifier without spaces.
    public var name: String {
        switch self {
        case .stripedCircle: "striped_circle"
        case .checkerSquare: "checker_square"
        case .dottedTriangle: "dotted_triangle"
        case .gradientStar: "gradient_star"
        case .bandedRing: "banded_ring"
        case .zigzagCross: "zigzag_cross"
        case .gridHexagon: "grid_hexagon"
        case .wavyEllipse: "wavy_ellipse"
        case .plaidDiamond: "plaid_diamond"
        case .hatchedHeart: "hatched_heart"
        }
    }

    /// A one-line description of the shape and texture.
    public var summary: String {
        switch self {
        case .stripedCircle: "disc, red/white straight stripes"
        case .checkerSquare: "square, blue/yellow checkerboard"
        case .dottedTriangle: "triangle, green with white dots"
        case .gradientStar: "five-pointed star, radial yellow-to-orange gradient"
        case .bandedRing: "ring, concentric magenta/cyan bands"
        case .zigzagCross: "plus sign, purple/lime zigzag bands"
        case .gridHexagon: "hexagon, teal with a black grid"
        case .wavyEllipse: "ellipse, pink/navy wavy bands"
        case .plaidDiamond: "rhombus, sky-blue/steel-blue/dark-green plaid"
        case .hatchedHeart: "heart, crimson with black cross-hatching"
        }
    }

    public var description: String { name }

    /// The class with the given annotation name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// Whether the point `(u, v)` of the object's frame lies inside the shape.
    func contains(u: Double, v: Double) -> Bool {
        switch self {
        case .stripedCircle:
            return u * u + v * v <= 0.94 * 0.94
        case .checkerSquare:
            return abs(u) <= 0.68 && abs(v) <= 0.68
        case .dottedTriangle:
            // Equilateral, circumradius 0.97, apex up: the three half-planes of its edges.
            let radius = 0.97
            return v <= radius / 2 && Self.sqrt3 * u - v <= radius && -Self.sqrt3 * u - v <= radius
        case .gradientStar:
            return Self.starContains(u: u, v: v)
        case .bandedRing:
            let squared = u * u + v * v
            return squared <= 0.95 * 0.95 && squared >= 0.5 * 0.5
        case .zigzagCross:
            let (a, b) = (abs(u), abs(v))
            return (a <= 0.3 && b <= 0.92) || (b <= 0.3 && a <= 0.92)
        case .gridHexagon:
            // Circumradius 0.95, vertices on the u axis.
            let radius = 0.95
            let b = abs(v)
            return b <= radius * Self.sqrt3 / 2 && Self.sqrt3 * abs(u) + b <= Self.sqrt3 * radius
        case .wavyEllipse:
            let (a, b) = (u / 0.95, v / 0.55)
            return a * a + b * b <= 1
        case .plaidDiamond:
            return abs(u) / 0.95 + abs(v) / 0.7 <= 1
        case .hatchedHeart:
            // The sextic heart (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0 fits the disc of radius 1.25 about (0, 0.25)
            // (numerically); scaled by 1/1.3 it fits radius 0.962.
            let x = u * 1.3
            let y = -v * 1.3 + 0.25
            let q = x * x + y * y - 1
            return q * q * q - x * x * y * y * y <= 0
        }
    }

    /// The texture colour at `(u, v)` of the object's frame, before the per-object brightness jitter.
    func color(u: Double, v: Double) -> (r: Double, g: Double, b: Double) {
        switch self {
        case .stripedCircle:
            return Self.parity(u * 4.5) ? (225, 35, 35) : (245, 245, 240)
        case .checkerSquare:
            return Self.parity(u * 3.7) != Self.parity(v * 3.7) ? (30, 60, 210) : (250, 210, 30)
        case .dottedTriangle:
            let (a, b) = (Self.fraction(u / 0.26) - 0.5, Self.fraction(v / 0.26) - 0.5)
            return a * a + b * b <= 0.3 * 0.3 ? (250, 250, 250) : (20, 150, 50)
        case .gradientStar:
            let t = min(1, (u * u + v * v).squareRoot())
            return (255 - 20 * t, 235 - 150 * t, 40 - 40 * t)
        case .bandedRing:
            return Self.parity((u * u + v * v).squareRoot() * 9) ? (210, 30, 190) : (30, 210, 230)
        case .zigzagCross:
            let zigzag = abs(2 * Self.fraction(u * 4) - 1)
            return Self.parity((v + 0.2 * zigzag) * 5.5) ? (110, 35, 175) : (185, 245, 80)
        case .gridHexagon:
            let onLine = Self.fraction(u * 4) < 0.2 || Self.fraction(v * 4) < 0.2
            return onLine ? (15, 15, 15) : (0, 140, 135)
        case .wavyEllipse:
            return Self.parity((u + 0.12 * Self.wave(v * 2.5)) * 4.5) ? (255, 150, 195) : (25, 30, 115)
        case .plaidDiamond:
            let across = Self.fraction(u * 3.2) < 0.35
            let down = Self.fraction(v * 3.2) < 0.35
            if across && down { return (10, 85, 40) }
            return across || down ? (55, 120, 190) : (150, 210, 255)
        case .hatchedHeart:
            let onLine = Self.fraction((u + v) * 3.5) < 0.22 || Self.fraction((u - v) * 3.5) < 0.22
            return onLine ? (25, 10, 20) : (225, 25, 70)
        }
    }

    // MARK: - Helpers

    private static let sqrt3 = 3.0.squareRoot()

    /// The star's ten vertices (outer radius 0.97, inner 0.42), first point straight up.
    private static let starVertices: [(u: Double, v: Double)] = (0..<10).map { index in
        let radius = index.isMultiple(of: 2) ? 0.97 : 0.42
        let angle = -Double.pi / 2 + Double(index) * Double.pi / 5
        return (radius * cos(angle), radius * sin(angle))
    }

    /// Even-odd crossing test against the star polygon.
    private static func starContains(u: Double, v: Double) -> Bool {
        var inside = false
        var previous = starVertices[starVertices.count - 1]
        for vertex in starVertices {
            if (vertex.v > v) != (previous.v > v) {
                let crossing = vertex.u + (v - vertex.v) * (previous.u - vertex.u) / (previous.v - vertex.v)
                if u < crossing { inside.toggle() }
            }
            previous = vertex
        }
        return inside
    }

    /// The fractional part, in `[0, 1)` also for negative values.
    private static func fraction(_ x: Double) -> Double { x - x.rounded(.down) }

    /// Whether `floor(x)` is odd (alternating unit bands; correct for negative `x` too).
    private static func parity(_ x: Double) -> Bool { Int(x.rounded(.down)) & 1 == 1 }

    /// A sine-like wave of period 1 and amplitude 1 made of two parabolas (no libm call per pixel).
    private static func wave(_ x: Double) -> Double {
        let f = fraction(x)
        return f < 0.5 ? 16 * f * (0.5 - f) : -16 * (f - 0.5) * (1 - f)
    }
}
