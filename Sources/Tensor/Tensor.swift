/// A dense, row-major `Float` tensor: a shape and contiguous storage with value semantics.
///
/// The element at index `(i0, i1, ..., in)` lives at `storage[((i0 * s1 + i1) * s2 + ...) + in]`, the layout of a
/// contiguous PyTorch tensor, so a `[tokens, dim]` activation or a `[out, in]` weight reads as it does in PyTorch.
public struct Tensor: Equatable, Sendable {
    /// The extent of each axis.
    public private(set) var shape: [Int]
    /// `shape.reduce(1, *)` values in row-major order.
    public var storage: [Float]

    /// Wraps existing values; `storage.count` must equal the product of `shape`.
    public init(shape: [Int], storage: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in \(shape)")
        precondition(storage.count == shape.reduce(1, *), "Tensor: \(storage.count) values for shape \(shape)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor filled with one value.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// The same values under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// The element at a full index.
    public subscript(index: Int...) -> Float {
        get { storage[offset(of: index)] }
        set { storage[offset(of: index)] = newValue }
    }

    /// The storage offset of a full index.
    public func offset(of index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
        var offset = 0
        for (axis, position) in index.enumerated() {
            precondition(position >= 0 && position < shape[axis], "Tensor: index \(index) out of \(shape)")
            offset = offset * shape[axis] + position
        }
        return offset
    }

    /// The sub-tensor at `position` along the first axis (a copy), shape `shape.dropFirst()`.
    public func slice(_ position: Int) -> Tensor {
        precondition(rank >= 1 && position >= 0 && position < shape[0], "Tensor: slice \(position) of \(shape)")
        let size = count / shape[0]
        return Tensor(
            shape: Array(shape.dropFirst()), storage: Array(storage[(position * size)..<((position + 1) * size)]))
    }

    /// The largest absolute difference to `other` (same shape), for parity checks.
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "Tensor: comparing \(shape) with \(other.shape)")
        var largest: Float = 0
        for index in storage.indices { largest = max(largest, abs(storage[index] - other.storage[index])) }
        return largest
    }
}
