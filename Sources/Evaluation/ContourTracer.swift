/// `cv2.findContours` for binary masks: Suzuki & Abe's (1985) border following, 8-connected foreground and
/// 4-connected background, with OpenCV 5.0's output order.
///
/// Only what the protocols read is produced: per border its bounding rectangle, polygon area and parent.
/// Pixels on the image edge count (OpenCV pads the image with a zero frame, as we do). Output order, checked
/// against `cv2.findContours` of opencv-python-headless 5.0.0.93 on seeded random masks
/// (`tools/make_evaluation_fixtures.py`):
/// - ``Retrieval/list`` and ``Retrieval/external``: reverse order of discovery in the raster scan (the last
///   border found first);
/// - ``Retrieval/tree``: depth-first pre-order from the top level, the children of each border in reverse order
///   of discovery.
/// The order matters only where a protocol breaks ties by it: wsolevaluation's MaxBoxAcc v1 keeps the first
/// contour of largest `contourArea` (`max(contours, key=cv2.contourArea)`).
public enum ContourTracer {
    /// OpenCV's retrieval modes (`RETR_EXTERNAL`, `RETR_LIST`, `RETR_TREE`).
    public enum Retrieval: String, Sendable, Hashable, Codable, CaseIterable {
        /// Only outer borders that no hole encloses (AG-CAM's `RETR_EXTERNAL`).
        case external
        /// Every border, no hierarchy.
        case list
        /// Every border with the nesting (wsolevaluation's `RETR_TREE`).
        case tree
    }

    /// The contours of `mask` in OpenCV's order.
    public static func contours(in mask: BinaryMask, retrieval: Retrieval) -> [Contour] {
        mask.bits.withUnsafeBufferPointer { bits in
            contours(width: mask.width, height: mask.height, retrieval: retrieval) { bits[$0] != 0 }
        }
    }

    /// The contours of `levels > threshold` (OpenCV's `THRESH_BINARY` followed by `findContours`).
    public static func contours(in map: QuantizedMap, above threshold: Int, retrieval: Retrieval) -> [Contour] {
        let limit = UInt8(clamping: max(threshold, 0))
        let all = threshold < 0
        return map.levels.withUnsafeBufferPointer { levels in
            contours(width: map.width, height: map.height, retrieval: retrieval) { all || levels[$0] > limit }
        }
    }

    /// A border found by the scan, in discovery order.
    private struct Border {
        var isHole: Bool
        /// Discovery index of the parent border, -1 for the frame.
        var parent: Int
        var minX: Int
        var minY: Int
        var maxX: Int
        var maxY: Int
        var doubledArea: Int
    }

    // Neighbour offsets, counterclockwise on screen (rows grow downward): E, NE, N, NW, W, SW, S, SE.
    private static let rowStep = [0, -1, -1, -1, 0, 1, 1, 1]
    private static let columnStep = [1, 1, 0, -1, -1, -1, 0, 1]

    private static func contours(
        width: Int, height: Int, retrieval: Retrieval, isForeground: (Int) -> Bool
    ) -> [Contour] {
        let stride = width + 2
        // Labels: 0 background, 1 unvisited foreground, +-k border k + 2 (k = discovery index), as in the paper
        // with NBD offset so that 1 stays "foreground" and the frame is border 1.
        var labels = [Int32](repeating: 0, count: stride * (height + 2))
        for y in 0..<height {
            let source = y * width
            let target = (y + 1) * stride + 1
            for x in 0..<width where isForeground(source + x) { labels[target + x] = 1 }
        }
        var borders: [Border] = []
        let offsets = (0..<8).map { rowStep[$0] * stride + columnStep[$0] }
        labels.withUnsafeMutableBufferPointer { f in
            for row in 1...height {
                var lastBorder: Int32 = 1  // LNBD: the frame
                for column in 1...width {
                    let start = row * stride + column
                    let value = f[start]
                    if value == 0 { continue }
                    var isHole = false
                    var fromDirection = 0
                    if value == 1 && f[start - 1] == 0 {
                        fromDirection = 4  // (i, j - 1): west
                    } else if value >= 1 && f[start + 1] == 0 {
                        isHole = true
                        fromDirection = 0  // (i, j + 1): east
                        if value > 1 { lastBorder = value }
                    } else {
                        if value != 1 { lastBorder = abs(value) }
                        continue
                    }
                    let number = Int32(borders.count + 2)
                    // Parent from the type of the new border and of LNBD (Suzuki & Abe, Table 1).
                    let lastIndex = Int(lastBorder) - 2
                    let lastIsHole = lastIndex < 0 ? true : borders[lastIndex].isHole
                    let lastParent = lastIndex < 0 ? -1 : borders[lastIndex].parent
                    let parent = isHole == lastIsHole ? lastParent : lastIndex
                    var border = Border(
                        isHole: isHole, parent: parent, minX: column, minY: row, maxX: column, maxY: row,
                        doubledArea: 0)
                    follow(
                        f, start: start, from: fromDirection, number: number, offsets: offsets, stride: stride,
                        border: &border)
                    borders.append(border)
                    let updated = f[start]
                    if updated != 1 { lastBorder = abs(updated) }
                }
            }
        }
        return ordered(borders, retrieval: retrieval)
    }

    /// Steps 3.1 to 3.5 of the paper: follows one border from `start`, labelling it, and measures it.
    private static func follow(
        _ f: UnsafeMutableBufferPointer<Int32>, start: Int, from fromDirection: Int, number: Int32,
        offsets: [Int], stride: Int, border: inout Border
    ) {
        // 3.1: clockwise around the start from `fromDirection` for a non-zero pixel.
        var first = -1
        var direction = fromDirection
        for _ in 0..<8 {
            if f[start + offsets[direction]] != 0 {
                first = direction
                break
            }
            direction = (direction + 7) & 7
        }
        guard first >= 0 else {
            f[start] = -number  // an isolated pixel
            return
        }
        let firstNeighbour = start + offsets[first]
        var current = start  // (i3, j3)
        var previousDirection = first  // direction from (i3, j3) to (i2, j2)
        var doubledArea = 0
        while true {
            // 3.3: counterclockwise from the element after (i2, j2).
            var searchDirection = (previousDirection + 1) & 7
            var eastExamined = false
            var next = current
            var nextDirection = searchDirection
            for _ in 0..<8 {
                let candidate = current + offsets[searchDirection]
                if f[candidate] != 0 {
                    next = candidate
                    nextDirection = searchDirection
                    break
                }
                if searchDirection == 0 { eastExamined = true }
                searchDirection = (searchDirection + 1) & 7
            }
            // 3.4
            if eastExamined {
                f[current] = -number
            } else if f[current] == 1 {
                f[current] = number
            }
            // Measure: bounding rectangle and shoelace term of the edge current -> next.
            let currentRow = current / stride
            let currentColumn = current - currentRow * stride
            let nextRow = next / stride
            let nextColumn = next - nextRow * stride
            border.minX = min(border.minX, currentColumn)
            border.maxX = max(border.maxX, currentColumn)
            border.minY = min(border.minY, currentRow)
            border.maxY = max(border.maxY, currentRow)
            doubledArea += currentColumn * nextRow - nextColumn * currentRow
            // 3.5
            if next == start && current == firstNeighbour { break }
            // The direction from `next` back to `current` is the opposite of nextDirection.
            previousDirection = (nextDirection + 4) & 7
            current = next
        }
        border.doubledArea = abs(doubledArea)
    }

    /// Converts discovery-ordered borders to OpenCV's output order and indices.
    private static func ordered(_ borders: [Border], retrieval: Retrieval) -> [Contour] {
        var order: [Int] = []
        switch retrieval {
        case .list:
            order = Array(borders.indices.reversed())
        case .external:
            order = borders.indices.reversed().filter { !borders[$0].isHole && borders[$0].parent < 0 }
        case .tree:
            var children = [[Int]](repeating: [], count: borders.count)
            var roots: [Int] = []
            for index in borders.indices {
                if borders[index].parent < 0 {
                    roots.append(index)
                } else {
                    children[borders[index].parent].append(index)
                }
            }
            var stack = roots  // popping from the end visits the last-discovered root first
            while let index = stack.popLast() {
                order.append(index)
                stack.append(contentsOf: children[index])
            }
        }
        var position = [Int](repeating: -1, count: borders.count)
        for (outputIndex, index) in order.enumerated() { position[index] = outputIndex }
        return order.map { index in
            let border = borders[index]
            let parent = retrieval == .tree && border.parent >= 0 ? position[border.parent] : nil
            return Contour(
                x: border.minX - 1, y: border.minY - 1, width: border.maxX - border.minX + 1,
                height: border.maxY - border.minY + 1, area: Double(border.doubledArea) / 2, isHole: border.isHole,
                parent: parent)
        }
    }
}
