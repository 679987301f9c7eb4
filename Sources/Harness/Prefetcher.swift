import Foundation

/// Produces items `0..<count` on a background thread, at most `depth` ahead of the consumer, in order.
///
/// A run decodes and preprocesses the next images while the model works on the current one; with two cores
/// the model's BLAS threads and this one thread overlap decoding (a few ms) with passes (hundreds of ms).
/// Memory stays bounded by `depth` items whatever the dataset size.
package final class Prefetcher<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Item] = [:]
    private var next = 0
    private var cancelled = false
    private let indices: [Int]
    private let depth: Int

    /// Starts producing `produce(index)` for each of `indices` in order.
    package init(indices: [Int], depth: Int = 3, produce: @escaping @Sendable (Int) -> Item) {
        precondition(depth > 0, "Prefetcher: depth must be positive")
        self.indices = indices
        self.depth = depth
        let thread = Thread { [weak self] in
            for (position, index) in indices.enumerated() {
                guard let self else { return }
                self.condition.lock()
                while !self.cancelled && position - self.next >= depth { self.condition.wait() }
                let stop = self.cancelled
                self.condition.unlock()
                if stop { return }
                let item = produce(index)
                self.condition.lock()
                self.ready[position] = item
                self.condition.broadcast()
                self.condition.unlock()
            }
        }
        thread.name = "prefetch"
        thread.start()
    }

    deinit {
        cancel()
    }

    /// The next item in order (blocking until it is ready), with its index; nil after the last.
    package func nextItem() -> (index: Int, item: Item)? {
        condition.lock()
        defer { condition.unlock() }
        guard next < indices.count else { return nil }
        while ready[next] == nil { condition.wait() }
        guard let item = ready.removeValue(forKey: next) else { return nil }
        let index = indices[next]
        next += 1
        condition.broadcast()
        return (index, item)
    }

    /// Stops producing (items already made are dropped).
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
