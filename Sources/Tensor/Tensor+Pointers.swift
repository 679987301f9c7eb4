extension Tensor {
    /// A tensor of `shape` whose values `body` writes, every one of them, through the pointer (no zero fill
    /// first: the activations of a forward pass are written once, so clearing them would double the traffic).
    @inlinable
    public init(shape: [Int], initializingWith body: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        let count = shape.reduce(1, *)
        let storage = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else {
                initialized = 0
                return
            }
            try body(base)
            initialized = count
        }
        self.init(shape: shape, storage: storage)
    }

    /// Calls `body` with a pointer to the values (valid for `count` floats; for an empty tensor it must not be
    /// read).
    @inlinable
    public func withPointer<Result>(_ body: (UnsafePointer<Float>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("Tensor: storage without an address") }
            return try body(base)
        }
    }

    /// Calls `body` with a mutable pointer to the values (valid for `count` floats).
    @inlinable
    public mutating func withMutablePointer<Result>(
        _ body: (UnsafeMutablePointer<Float>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("Tensor: storage without an address") }
            return try body(base)
        }
    }
}
