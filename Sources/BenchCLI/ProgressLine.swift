import Foundation

/// Progress on standard error: a rewritten line on a terminal, a line per 10 % otherwise.
///
/// Safe to update from any thread (a lock guards the printed state).
final class ProgressLine: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let interactive: Bool
    private let start = Date()
    private let lock = NSLock()
    private var lastPrinted = -1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        self.interactive = isatty(STDERR_FILENO) != 0
    }

    /// Reports that `done` items are finished.
    func update(_ done: Int) {
        guard total >= 200 else { return }
        lock.lock()
        defer { lock.unlock() }
        let step = interactive ? max(1, total / 200) : max(1, total / 10)
        guard done - lastPrinted >= step || done == total else { return }
        lastPrinted = done
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let text = "\(label) \(done)/\(total)  \(Int(rate)) /s  ETA \(Int(remaining.rounded())) s"
        fflush(nil)  // keep stdout lines in order with the progress on stderr
        FileHandle.standardError.write(Data((interactive ? "\r\(text)\u{1B}[K" : "\(text)\n").utf8))
    }

    /// Ends the progress line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if interactive && lastPrinted >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
