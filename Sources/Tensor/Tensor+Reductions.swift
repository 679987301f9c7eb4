extension Tensor.Kernels {
    /// The sum of `count` values, eight lanes at a time (so the order differs from a sequential sum by rounding
    /// only).
    @inlinable
    package static func sum(count: Int, _ values: UnsafePointer<Float>) -> Float {
        let wide = count & ~7
        var lanes = Lanes()
        var index = 0
        while index < wide {
            lanes += load(values + index)
            index += 8
        }
        var total = lanes.sum()
        while index < count {
            total += values[index]
            index += 1
        }
        return total
    }

    /// `target[i] += source[i]` for `count` values (residual connections, gradient accumulation).
    @inlinable
    package static func add(count: Int, _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let wide = count & ~7
        var index = 0
        while index < wide {
            store(load(target + index) + load(source + index), target + index)
            index += 8
        }
        while index < count {
            target[index] += source[index]
            index += 1
        }
    }
}

extension Tensor {
    /// The sum of all values.
    public func sum() -> Float {
        guard count > 0 else { return 0 }
        return withPointer { Kernels.sum(count: count, $0) }
    }

    /// The sum over `axis`; the result drops that axis (`[2, 3, 4].sum(axis: 1)` is `[2, 4]`).
    public func sum(axis: Int) -> Tensor {
        reduce(axis: axis, initial: 0) { $0 + $1 }
    }

    /// The mean over `axis`; the result drops that axis.
    public func mean(axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank, "mean: axis \(axis) of \(shape)")
        var total = sum(axis: axis)
        let scale = 1 / Float(Swift.max(1, shape[axis]))
        for index in total.storage.indices { total.storage[index] *= scale }
        return total
    }

    /// The maximum over `axis` (which must be non-empty); the result drops that axis.
    public func maximum(axis: Int) -> Tensor {
        reduce(axis: axis, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// The index of the largest value in each row of the last axis (first one on ties, as `torch.argmax`).
    public func argmaxLastAxis() -> [Int] {
        let width = shape.last ?? 0
        guard width > 0 else { return [] }
        return withPointer { values in
            (0..<(count / width)).map { row in
                let start = values + row * width
                var best = 0
                for column in 1..<width where start[column] > start[best] { best = column }
                return best
            }
        }
    }

    /// Folds `combine` over `axis` for every outer and inner index (outer x axis x inner layout).
    private func reduce(axis: Int, initial: Float, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(axis >= 0 && axis < rank, "reduce: axis \(axis) of \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let extent = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var resultShape = shape
        resultShape.remove(at: axis)
        var result = Tensor(shape: resultShape, repeating: initial)
        guard count > 0 else { return result }
        withPointer { values in
            result.withMutablePointer { target in
                for outerIndex in 0..<outer {
                    let row = target + outerIndex * inner
                    for position in 0..<extent {
                        let source = values + (outerIndex * extent + position) * inner
                        for innerIndex in 0..<inner { row[innerIndex] = combine(row[innerIndex], source[innerIndex]) }
                    }
                }
            }
        }
        return result
    }
}
