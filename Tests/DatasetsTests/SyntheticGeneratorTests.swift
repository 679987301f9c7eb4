import Datasets
import Imaging
import Testing

/// The synthetic generator's scenes, in memory: classes, shapes, occlusion, masks and boxes.
@Suite struct SyntheticGeneratorTests {
    private static let size = SyntheticGenerator.imageSize

    /// The first 30 scenes of seed 0, rendered once and shared (rendering is slow in debug builds).
    private static let scenes: [SyntheticScene] = {
        guard let generator = try? SyntheticGenerator(seed: 0, count: 30) else { return [] }
        return (0..<generator.count).map { generator.scene(at: $0) }
    }()

    @Test func hasAtLeastTenClassesWithIdentifierNames() {
        let names = SyntheticGenerator.classNames
        #expect(names.count >= 10)
        #expect(Set(names).count == names.count)
        for name in names {
            let isIdentifier =
                name.first.map { $0.isLetter } == true
                && name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" }
            #expect(isIdentifier, "\(name) is not a lowercase identifier")
            #expect(SyntheticClass(name: name)?.name == name)
        }
        #expect(SyntheticClass(name: "striped circle") == nil)
    }

    @Test(arguments: SyntheticClass.allCases)
    func shapeFitsInsideItsDiscAndFillsEnoughOfIt(objectClass: SyntheticClass) throws {
        let scene = try #require(Self.scenes.first { $0.objects.contains { $0.objectClass == objectClass } })
        let index = try #require(scene.objects.firstIndex { $0.objectClass == objectClass })
        let object = scene.objects[index]
        let size = Self.size
        var count = 0
        var farthest = 0.0
        for y in 0..<size {
            for x in 0..<size where Int(scene.instanceMask.values[y * size + x]) == index + 1 {
                let dx = Double(x) + 0.5 - object.center.x
                let dy = Double(y) + 0.5 - object.center.y
                farthest = max(farthest, (dx * dx + dy * dy).squareRoot())
                count += 1
            }
        }
        // Pixel centres inside the shape lie inside the disc of the object's radius.
        #expect(farthest <= object.radius)
        #expect(count == object.visiblePixelCount)
        // The unoccluded shape covers at least a quarter of its disc (the star, about 38 %, is the smallest).
        #expect(Double(object.fullPixelCount) >= 0.25 * Double.pi * object.radius * object.radius)
    }

    @Test func scenesAreDeterministicAndSeedDependent() throws {
        let first = try SyntheticGenerator(seed: 3, count: 4)
        let second = try SyntheticGenerator(seed: 3, count: 4)
        let other = try SyntheticGenerator(seed: 4, count: 4)
        for index in 0..<4 {
            let scene = first.scene(at: index)
            let again = second.scene(at: index)
            #expect(scene.image == again.image)
            #expect(scene.classMask == again.classMask)
            #expect(scene.instanceMask == again.instanceMask)
            #expect(scene.objects == again.objects)
            #expect(scene.image != other.scene(at: index).image)
        }
    }

    @Test func masksBoxesAndOcclusionAreConsistent() throws {
        let size = Self.size
        let classCount = SyntheticClass.allCases.count
        #expect(Self.scenes.count == 30)
        for (index, scene) in Self.scenes.enumerated() {
            #expect(scene.image.width == size && scene.image.height == size)
            #expect((1...3).contains(scene.objects.count))
            let instances = scene.instanceMask.values
            let classes = scene.classMask.values
            var minX = [Int](repeating: size, count: scene.objects.count)
            var minY = minX
            var maxX = [Int](repeating: -1, count: scene.objects.count)
            var maxY = maxX
            var counts = [Int](repeating: 0, count: scene.objects.count)
            // Pixel checks are counted rather than expected one by one: a debug `#expect` per pixel is slow.
            var badClassValues = 0
            var disagreements = 0
            for y in 0..<size {
                for x in 0..<size {
                    let value = Int(instances[y * size + x])
                    let classValue = Int(classes[y * size + x])
                    if !(classValue == 0 || classValue == 255 || (1...classCount).contains(classValue)) {
                        badClassValues += 1
                    }
                    if value == 255 || value == 0 {
                        if classValue != value { disagreements += 1 }
                        continue
                    }
                    let k = value - 1
                    try #require(k < scene.objects.count)
                    if classValue != scene.objects[k].objectClass.rawValue + 1 { disagreements += 1 }
                    counts[k] += 1
                    minX[k] = min(minX[k], x)
                    maxX[k] = max(maxX[k], x)
                    minY[k] = min(minY[k], y)
                    maxY[k] = max(maxY[k], y)
                }
            }
            #expect(badClassValues == 0)
            #expect(disagreements == 0, "class and instance masks disagree in image \(index)")
            for (k, object) in scene.objects.enumerated() {
                #expect(counts[k] == object.visiblePixelCount)
                #expect(
                    Double(object.visiblePixelCount)
                        >= SyntheticGenerator.minimumVisibleFraction * Double(object.fullPixelCount))
                #expect(object.box.convention == .oneBasedInclusive)
                #expect(object.box.xMin == Double(minX[k] + 1) && object.box.xMax == Double(maxX[k] + 1))
                #expect(object.box.yMin == Double(minY[k] + 1) && object.box.yMax == Double(maxY[k] + 1))
                #expect(object.isOccluded == (object.visiblePixelCount < object.fullPixelCount))
                // Shapes stay inside the image, so nothing is truncated by the border.
                #expect(object.center.x - object.radius >= 0 && object.center.x + object.radius <= Double(size))
            }
        }
    }

    @Test func voidBandSurroundsObjectsOnTheBackgroundOnly() throws {
        let size = Self.size
        let width = SyntheticGenerator.voidBorderWidth
        for (index, scene) in Self.scenes.prefix(10).enumerated() {
            let values = scene.instanceMask.values
            func isObject(_ x: Int, _ y: Int) -> Bool {
                x >= 0 && y >= 0 && x < size && y < size && values[y * size + x] != 0 && values[y * size + x] != 255
            }
            var voidCount = 0
            var farVoid = 0
            var unbandedEdges = 0
            for y in 0..<size {
                for x in 0..<size {
                    let value = values[y * size + x]
                    if value == 255 {
                        voidCount += 1
                        // A void pixel is background within the band's reach of some object pixel.
                        var near = false
                        for dy in -width...width {
                            for dx in -width...width where isObject(x + dx, y + dy) { near = true }
                        }
                        if !near { farVoid += 1 }
                    } else if value == 0 {
                        // A background pixel touching an object (4-neighbour) is always void.
                        if isObject(x - 1, y) || isObject(x + 1, y) || isObject(x, y - 1) || isObject(x, y + 1) {
                            unbandedEdges += 1
                        }
                    }
                }
            }
            #expect(farVoid == 0, "void pixels far from every object in image \(index)")
            #expect(unbandedEdges == 0, "background pixels touching an object in image \(index)")
            #expect(voidCount > 0)
        }
    }

    @Test(arguments: [0.0, 0.5, 1.0])
    func twoClassShareIsAsConfigured(share: Double) throws {
        let count = 20
        let generator = try SyntheticGenerator(seed: 21, count: count, twoClassShare: share)
        let classCounts = (0..<count).map { generator.scene(at: $0).classes.count }
        #expect(classCounts.filter { $0 == 2 }.count == Int((share * Double(count)).rounded()))
        #expect(classCounts.allSatisfy { (1...2).contains($0) })
        #expect((0..<count).filter { generator.isPlannedTwoClass(index: $0) }.count == Int(share * Double(count)))
    }

    @Test func primaryClassesAreBalanced() throws {
        let generator = try SyntheticGenerator(seed: 8, count: 20, twoClassShare: 0)
        var perClass = [Int](repeating: 0, count: SyntheticClass.allCases.count)
        for index in 0..<20 {
            let classes = generator.scene(at: index).classes
            #expect(classes.count == 1)
            for objectClass in classes { perClass[objectClass.rawValue] += 1 }
        }
        #expect(perClass == [Int](repeating: 2, count: SyntheticClass.allCases.count))
    }

    @Test func splitFractionIsExact() throws {
        let generator = try SyntheticGenerator(seed: 2, count: 37, trainFraction: 0.5)
        #expect((0..<37).filter { generator.isTrain(index: $0) }.count == 19)
    }

    @Test(arguments: [(0, 0.3, 0.8), (1_000_000, 0.3, 0.8), (10, -0.1, 0.8), (10, 0.3, 1.5), (10, .nan, 0.8)])
    func rejectsOutOfRangeParameters(count: Int, share: Double, train: Double) {
        #expect(throws: SyntheticGenerator.InvalidConfiguration.self) {
            _ = try SyntheticGenerator(seed: 0, count: count, twoClassShare: share, trainFraction: train)
        }
    }

    @Test func imageIDsAreSixDigitOneBased() {
        #expect(SyntheticGenerator.imageID(index: 0) == "synth_000001")
        #expect(SyntheticGenerator.imageID(index: 999_998) == "synth_999999")
    }
}
