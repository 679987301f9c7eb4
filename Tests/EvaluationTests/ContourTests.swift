import Testing

@testable import Evaluation

@Suite("Contours (cv2.findContours equivalent)")
struct ContourTests {
    private func record(_ contours: [Contour]) -> [[Double]] {
        contours.map {
            [Double($0.x), Double($0.y), Double($0.width), Double($0.height), $0.area, Double($0.parent ?? -1)]
        }
    }

    @Test("rectangles, areas, order and tree links match OpenCV 5.0 on 60 seeded random masks")
    func matchesOpenCV() throws {
        let fixture = try ReferenceFixture.load()
        #expect(fixture.versions["opencv"]?.hasPrefix("5.") == true)
        for (index, item) in fixture.contours.enumerated() {
            let mask = BinaryMask(width: item.width, height: item.height, bits: item.mask)
            #expect(record(ContourTracer.contours(in: mask, retrieval: .tree)) == item.tree, "case \(index) tree")
            let list = record(ContourTracer.contours(in: mask, retrieval: .list)).map { Array($0.prefix(5)) }
            #expect(list == item.list.map { Array($0.prefix(5)) }, "case \(index) list")
            let external = record(ContourTracer.contours(in: mask, retrieval: .external)).map { Array($0.prefix(5)) }
            #expect(external == item.external.map { Array($0.prefix(5)) }, "case \(index) external")
        }
    }

    @Test("a ring with a dot: outer border, hole border one pixel outside the hole, inner dot")
    func ringWithDot() {
        // 9x9: square 1...7, hole 3...5 with the centre (4, 4) set again.
        var bits = [UInt8](repeating: 0, count: 81)
        for y in 1...7 { for x in 1...7 { bits[y * 9 + x] = 1 } }
        for y in 3...5 { for x in 3...5 { bits[y * 9 + x] = 0 } }
        bits[4 * 9 + 4] = 1
        let contours = ContourTracer.contours(in: BinaryMask(width: 9, height: 9, bits: bits), retrieval: .tree)
        #expect(record(contours) == [[1, 1, 7, 7, 36, -1], [2, 2, 5, 5, 14, 0], [4, 4, 1, 1, 0, 1]])
        #expect(contours.map(\.isHole) == [false, true, false])
        #expect(
            ContourTracer.contours(in: BinaryMask(width: 9, height: 9, bits: bits), retrieval: .external).count == 1)
    }

    @Test("an empty mask has no contour; pixels on the image edge count")
    func edges() {
        #expect(ContourTracer.contours(in: BinaryMask(width: 3, height: 2), retrieval: .tree).isEmpty)
        let full = BinaryMask(width: 3, height: 2, bits: [1, 1, 1, 1, 1, 1])
        #expect(record(ContourTracer.contours(in: full, retrieval: .external)) == [[0, 0, 3, 2, 2, -1]])
    }
}
