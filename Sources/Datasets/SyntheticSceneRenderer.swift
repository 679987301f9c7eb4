import Foundation
import Imaging
import SeededRandom

/// Draws one ``SyntheticScene``: a cluttered background, distractors, then 1 to 3 textured objects.
///
/// The order of random draws is part of the dataset's definition (same seed, same bytes): change it only with
/// ``SyntheticGenerator/version``. All per-pixel work is integer or IEEE basic arithmetic; `cos`/`sin` run once
/// per placement attempt of an object.
struct SyntheticSceneRenderer {
    /// Side of the square image in pixels.
    static let size = 224
    /// Pixels per image.
    private static let pixelCount = size * size

    private var random: SeededGenerator
    /// Working RGB buffer, shape `[224, 224, 3]`, values clamped to 0...255 at the end.
    private var canvas: [Int32]
    /// Instance id of the topmost object at each pixel (0 = none), shape `[224, 224]`.
    private var owner: [UInt8]

    /// A placed object with the pixels it covers (indices `y * 224 + x`) before later objects occlude it.
    private struct Placement {
        var objectClass: SyntheticClass
        var centerX: Double
        var centerY: Double
        var radius: Double
        var rotation: Double
        var cosine: Double
        var sine: Double
        var pixels: [Int32]
    }

    init(random: SeededGenerator) {
        self.random = random
        canvas = [Int32](repeating: 0, count: Self.pixelCount * 3)
        owner = [UInt8](repeating: 0, count: Self.pixelCount)
    }

    /// Renders the scene.
    /// - Parameters:
    ///   - id: the image id.
    ///   - primary: the class every image of this kind holds.
    ///   - twoClass: whether to add a second, different class.
    mutating func render(id: String, primary: SyntheticClass, twoClass: Bool) -> SyntheticScene {
        drawBackground()
        drawDistractors()
        let placements = placeObjects(classes: planClasses(primary: primary, twoClass: twoClass))
        for placement in placements { paint(placement) }
        addNoise()
        let image = smoothed()
        let (classMask, instanceMask) = masks(classes: placements.map(\.objectClass))
        let objects = describe(placements)
        return SyntheticScene(
            id: id, image: image, classMask: classMask, instanceMask: instanceMask, objects: objects)
    }

    // MARK: - Objects

    /// The classes to place, in painting order: 1-3 copies of `primary`, or 2-3 objects of two classes.
    private mutating func planClasses(primary: SyntheticClass, twoClass: Bool) -> [SyntheticClass] {
        if twoClass {
            let offset = random.integer(in: 1...(SyntheticClass.allCases.count - 1))
            let secondIndex = (primary.rawValue + offset) % SyntheticClass.allCases.count
            let second = SyntheticClass(rawValue: secondIndex) ?? primary
            var classes = [primary, second]
            if random.chance(0.4) { classes.append(random.chance(0.5) ? primary : second) }
            random.shuffle(&classes)
            return classes
        }
        let draw = random.integer(below: 10)
        let count = draw < 5 ? 1 : (draw < 8 ? 2 : 3)
        return Array(repeating: primary, count: count)
    }

    /// Places the objects one after another; a candidate is accepted when every earlier object keeps at least
    /// ``SyntheticGenerator/minimumVisibleFraction`` of its pixels. After 8 rejected candidates the object
    /// shrinks by 12 %; after 40 it is dropped (rare: the generator's summary counts the two-class images that
    /// result).
    private mutating func placeObjects(classes: [SyntheticClass]) -> [Placement] {
        let diameterRange: ClosedRange<Double> =
            switch classes.count {
            case 1: 0.42...0.66
            case 2: 0.32...0.52
            default: 0.28...0.46
            }
        var placements: [Placement] = []
        var fullCounts: [Int] = []
        var visibleCounts: [Int] = []
        let side = Double(Self.size)
        for objectClass in classes {
            let baseRadius = random.uniform(diameterRange) * side / 2
            var scale = 1.0
            var accepted: Placement?
            for attempt in 0..<40 {
                if attempt > 0 && attempt.isMultiple(of: 8) { scale *= 0.88 }
                let radius = baseRadius * scale
                let centerX = random.uniform(radius...(side - radius))
                let centerY = random.uniform(radius...(side - radius))
                let rotation = random.uniform(0...(2 * Double.pi))
                var candidate = Placement(
                    objectClass: objectClass, centerX: centerX, centerY: centerY, radius: radius,
                    rotation: rotation, cosine: cos(rotation), sine: sin(rotation), pixels: [])
                candidate.pixels = rasterize(candidate)
                guard !candidate.pixels.isEmpty else { continue }
                var covered = [Int](repeating: 0, count: placements.count)
                for pixel in candidate.pixels where owner[Int(pixel)] != 0 {
                    covered[Int(owner[Int(pixel)]) - 1] += 1
                }
                let keepsEarlierVisible = covered.indices.allSatisfy { index in
                    Double(visibleCounts[index] - covered[index])
                        >= SyntheticGenerator.minimumVisibleFraction * Double(fullCounts[index])
                }
                if keepsEarlierVisible {
                    accepted = candidate
                    break
                }
            }
            guard let placement = accepted else { continue }
            let instance = UInt8(placements.count + 1)
            for pixel in placement.pixels {
                let previous = owner[Int(pixel)]
                if previous != 0 { visibleCounts[Int(previous) - 1] -= 1 }
                owner[Int(pixel)] = instance
            }
            placements.append(placement)
            fullCounts.append(placement.pixels.count)
            visibleCounts.append(placement.pixels.count)
        }
        return placements
    }

    /// The pixels whose centres fall inside the placed shape (hard edges, no anti-aliasing).
    private func rasterize(_ placement: Placement) -> [Int32] {
        var pixels: [Int32] = []
        forEachPixel(of: placement) { index, _, _ in pixels.append(Int32(index)) }
        return pixels
    }

    /// Calls `body(index, u, v)` for every pixel whose centre lies inside the shape, in row-major order.
    private func forEachPixel(of placement: Placement, _ body: (Int, Double, Double) -> Void) {
        let last = Self.size - 1
        let x0 = max(0, Int((placement.centerX - placement.radius).rounded(.down)))
        let x1 = min(last, Int((placement.centerX + placement.radius).rounded(.up)))
        let y0 = max(0, Int((placement.centerY - placement.radius).rounded(.down)))
        let y1 = min(last, Int((placement.centerY + placement.radius).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let inverseRadius = 1 / placement.radius
        let (cosine, sine) = (placement.cosine, placement.sine)
        for y in y0...y1 {
            let dy = Double(y) + 0.5 - placement.centerY
            for x in x0...x1 {
                let dx = Double(x) + 0.5 - placement.centerX
                // Inverse rotation: the image-frame offset expressed on the object's u and v axes.
                let u = (cosine * dx + sine * dy) * inverseRadius
                let v = (cosine * dy - sine * dx) * inverseRadius
                if placement.objectClass.contains(u: u, v: v) { body(y * Self.size + x, u, v) }
            }
        }
    }

    /// Paints an object's texture with a per-object brightness and colour jitter.
    private mutating func paint(_ placement: Placement) {
        let brightness = random.uniform(0.88...1.08)
        let shift = (
            Double(random.integer(in: -10...10)), Double(random.integer(in: -10...10)),
            Double(random.integer(in: -10...10))
        )
        var canvas = self.canvas
        self.canvas = []
        forEachPixel(of: placement) { index, u, v in
            let color = placement.objectClass.color(u: u, v: v)
            canvas[3 * index] = Int32((color.r * brightness + shift.0).rounded(.down))
            canvas[3 * index + 1] = Int32((color.g * brightness + shift.1).rounded(.down))
            canvas[3 * index + 2] = Int32((color.b * brightness + shift.2).rounded(.down))
        }
        self.canvas = canvas
    }

    /// Turns placements into public objects with boxes from the visible pixels of the final owner map.
    private func describe(_ placements: [Placement]) -> [SyntheticObject] {
        let count = placements.count
        var minX = [Int](repeating: Self.size, count: count)
        var minY = [Int](repeating: Self.size, count: count)
        var maxX = [Int](repeating: -1, count: count)
        var maxY = [Int](repeating: -1, count: count)
        var visible = [Int](repeating: 0, count: count)
        for y in 0..<Self.size {
            for x in 0..<Self.size {
                let instance = Int(owner[y * Self.size + x])
                guard instance > 0 else { continue }
                let k = instance - 1
                visible[k] += 1
                minX[k] = min(minX[k], x)
                maxX[k] = max(maxX[k], x)
                minY[k] = min(minY[k], y)
                maxY[k] = max(maxY[k], y)
            }
        }
        return placements.indices.map { k in
            let placement = placements[k]
            // VOC devkit convention: 1-based pixel indices, max inclusive.
            let box = BoundingBox(
                xMin: Double(minX[k] + 1), yMin: Double(minY[k] + 1), xMax: Double(maxX[k] + 1),
                yMax: Double(maxY[k] + 1), convention: .oneBasedInclusive)
            return SyntheticObject(
                objectClass: placement.objectClass, box: box, visiblePixelCount: visible[k],
                fullPixelCount: placement.pixels.count, center: (placement.centerX, placement.centerY),
                radius: placement.radius, rotation: placement.rotation)
        }
    }

    // MARK: - Masks

    /// Offsets of the void band's disc: `dx^2 + dy^2 <= w^2 + 1` for `w` = ``SyntheticGenerator/voidBorderWidth``
    /// (3 px along the axes, 2 px along the diagonals).
    private static let voidDisc: [(dx: Int, dy: Int)] = {
        let width = SyntheticGenerator.voidBorderWidth
        var offsets: [(dx: Int, dy: Int)] = []
        for dy in -width...width {
            for dx in -width...width where dx * dx + dy * dy <= width * width + 1 && (dx, dy) != (0, 0) {
                offsets.append((dx, dy))
            }
        }
        return offsets
    }()

    /// The VOC class and instance masks, with void (255) on background pixels near any object's outline.
    private func masks(classes: [SyntheticClass]) -> (GrayImage, GrayImage) {
        let size = Self.size
        var classValues = [UInt8](repeating: 0, count: Self.pixelCount)
        var instanceValues = [UInt8](repeating: 0, count: Self.pixelCount)
        for index in 0..<Self.pixelCount where owner[index] != 0 {
            instanceValues[index] = owner[index]
            classValues[index] = UInt8(classes[Int(owner[index]) - 1].rawValue + 1)
        }
        for y in 0..<size {
            for x in 0..<size where owner[y * size + x] != 0 {
                // Only outline pixels (a 4-neighbour is background or off-image) stamp the band.
                let isOutline =
                    x == 0 || y == 0 || x == size - 1 || y == size - 1 || owner[y * size + x - 1] == 0
                    || owner[y * size + x + 1] == 0 || owner[(y - 1) * size + x] == 0
                    || owner[(y + 1) * size + x] == 0
                guard isOutline else { continue }
                for offset in Self.voidDisc {
                    let (nx, ny) = (x + offset.dx, y + offset.dy)
                    guard nx >= 0, ny >= 0, nx < size, ny < size else { continue }
                    let neighbour = ny * size + nx
                    if owner[neighbour] == 0 {
                        classValues[neighbour] = 255
                        instanceValues[neighbour] = 255
                    }
                }
            }
        }
        return (
            GrayImage(width: size, height: size, values: classValues),
            GrayImage(width: size, height: size, values: instanceValues)
        )
    }

    // MARK: - Background

    /// A muted colour: a grey level with small per-channel offsets, so objects' saturated colours stand out.
    private mutating func mutedColor(spread: Int = 26) -> (Int32, Int32, Int32) {
        let grey = random.integer(in: 60...190)
        return (
            Int32(grey + random.integer(in: -spread...spread)), Int32(grey + random.integer(in: -spread...spread)),
            Int32(grey + random.integer(in: -spread...spread))
        )
    }

    /// A gradient between two muted colours, two octaves of value noise, and (half the time) muted stripes.
    private mutating func drawBackground() {
        let size = Self.size
        let start = mutedColor()
        let end = mutedColor()
        // Gradient direction as an integer vector, so the projection stays in integers.
        var directionX = random.integer(in: -16...16)
        let directionY = random.integer(in: -16...16)
        if directionX == 0 && directionY == 0 { directionX = 1 }
        let half = size / 2
        let reach = half * (abs(directionX) + abs(directionY))
        let coarse = noiseGrid(cell: 32, channels: 3, amplitude: 24)
        let fine = noiseGrid(cell: 8, channels: 1, amplitude: 14)
        let hasStripes = random.chance(0.5)
        let stripeX = random.integer(in: -8...8)
        let stripeY = random.integer(in: 1...8)
        let period = Double(random.integer(in: 10...36)) * Double(stripeX * stripeX + stripeY * stripeY).squareRoot()
        let stripeDepth = Int32(random.integer(in: 8...22))
        let starts = [start.0, start.1, start.2]
        let ends = [end.0, end.1, end.2]
        for y in 0..<size {
            for x in 0..<size {
                let projection = (x - half) * directionX + (y - half) * directionY + reach
                let fineValue = fine.value(x: x, y: y, channel: 0)
                var stripe: Int32 = 0
                if hasStripes {
                    let band = Int((Double(x * stripeX + y * stripeY) / period).rounded(.down))
                    stripe = band & 1 == 0 ? stripeDepth : -stripeDepth
                }
                let base = 3 * (y * size + x)
                for channel in 0..<3 {
                    let from = starts[channel]
                    let gradient = from + (ends[channel] - from) * Int32(projection) / Int32(max(1, 2 * reach))
                    canvas[base + channel] =
                        gradient + coarse.value(x: x, y: y, channel: channel) + fineValue + stripe
                }
            }
        }
    }

    /// Value noise on a grid: random node values in `-amplitude...amplitude`, bilinear in integers.
    private struct NoiseGrid {
        let cell: Int
        let nodesPerSide: Int
        let channels: Int
        let nodes: [Int32]

        func value(x: Int, y: Int, channel: Int) -> Int32 {
            let (gx, fx) = x.quotientAndRemainder(dividingBy: cell)
            let (gy, fy) = y.quotientAndRemainder(dividingBy: cell)
            func node(_ nx: Int, _ ny: Int) -> Int { Int(nodes[(ny * nodesPerSide + nx) * channels + channel]) }
            let top = node(gx, gy) * (cell - fx) + node(gx + 1, gy) * fx
            let bottom = node(gx, gy + 1) * (cell - fx) + node(gx + 1, gy + 1) * fx
            return Int32((top * (cell - fy) + bottom * fy) / (cell * cell))
        }
    }

    private mutating func noiseGrid(cell: Int, channels: Int, amplitude: Int) -> NoiseGrid {
        let nodesPerSide = Self.size / cell + 2
        var nodes = [Int32](repeating: 0, count: nodesPerSide * nodesPerSide * channels)
        for index in nodes.indices { nodes[index] = Int32(random.integer(in: -amplitude...amplitude)) }
        return NoiseGrid(cell: cell, nodesPerSide: nodesPerSide, channels: channels, nodes: nodes)
    }

    /// 3 to 8 muted ellipses, rotated bars and thin lines, anywhere (they may cross the border); never objects.
    private mutating func drawDistractors() {
        let count = random.integer(in: 3...8)
        for _ in 0..<count {
            let kind = random.integer(below: 10)
            let color = mutedColor(spread: 40)
            let centerX = random.uniform(-10...234)
            let centerY = random.uniform(-10...234)
            let rotation = random.uniform(0...Double.pi)
            let (cosine, sine) = (cos(rotation), sin(rotation))
            let (halfU, halfV): (Double, Double) =
                switch kind {
                case 0..<6: (random.uniform(6...34), random.uniform(5...24))
                case 6..<8: (random.uniform(5...28), random.uniform(4...20))
                default: (random.uniform(20...60), random.uniform(0.8...2.2))
                }
            let isEllipse = kind < 6
            let reach = max(halfU, halfV)
            let x0 = max(0, Int((centerX - reach).rounded(.down)))
            let x1 = min(Self.size - 1, Int((centerX + reach).rounded(.up)))
            let y0 = max(0, Int((centerY - reach).rounded(.down)))
            let y1 = min(Self.size - 1, Int((centerY + reach).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                let dy = Double(y) + 0.5 - centerY
                for x in x0...x1 {
                    let dx = Double(x) + 0.5 - centerX
                    let u = (cosine * dx + sine * dy) / halfU
                    let v = (cosine * dy - sine * dx) / halfV
                    let inside = isEllipse ? u * u + v * v <= 1 : abs(u) <= 1 && abs(v) <= 1
                    guard inside else { continue }
                    let base = 3 * (y * Self.size + x)
                    canvas[base] = color.0
                    canvas[base + 1] = color.1
                    canvas[base + 2] = color.2
                }
            }
        }
    }

    // MARK: - Finishing

    /// Adds uniform sensor-like noise in -6...6 to every sample.
    private mutating func addNoise() {
        var index = 0
        while index < canvas.count {
            var bits = random.next()
            for _ in 0..<min(8, canvas.count - index) {
                canvas[index] += Int32(bits & 0xFF) % 13 - 6
                bits >>= 8
                index += 1
            }
        }
    }

    /// Clamps to 0...255 and applies a separable [1, 2, 1] / 4 blur (edge pixels repeated): mild smoothing.
    private func smoothed() -> RGBImage {
        let size = Self.size
        let clamped = canvas.map { UInt8(clamping: $0) }
        var horizontal = [UInt16](repeating: 0, count: clamped.count)
        for y in 0..<size {
            for x in 0..<size {
                let left = 3 * (y * size + max(0, x - 1))
                let middle = 3 * (y * size + x)
                let right = 3 * (y * size + min(size - 1, x + 1))
                for channel in 0..<3 {
                    horizontal[middle + channel] =
                        UInt16(clamped[left + channel]) + 2 * UInt16(clamped[middle + channel])
                        + UInt16(clamped[right + channel])
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: clamped.count)
        for y in 0..<size {
            let up = max(0, y - 1)
            let down = min(size - 1, y + 1)
            for x in 0..<size {
                for channel in 0..<3 {
                    let sum =
                        UInt32(horizontal[3 * (up * size + x) + channel])
                        + 2 * UInt32(horizontal[3 * (y * size + x) + channel])
                        + UInt32(horizontal[3 * (down * size + x) + channel])
                    pixels[3 * (y * size + x) + channel] = UInt8((sum + 8) / 16)
                }
            }
        }
        return RGBImage(width: size, height: size, pixels: pixels)
    }
}
