import Foundation

/// Progress on standard error: a rewritten line on a terminal, a line per 10 % otherwise.
final class ProgressLine {
    private let total: Int
    private let label: String
    private let interactive: Bool
    private let start = Date()
    private var lastPrinted = -1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        self.interactive = isatty(STDERR_FILENO) != 0
    }

    /// Reports that `done` items are finished.
    func update(_ done: Int) {
        guard total >= 200 else { return }
        let step = interactive ? max(1, total / 200) : max(1, total / 10)
        guard done - lastPrinted >= step || done == total else { return }
        lastPrinted = done
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let text = "\(label) \(done)/\(total)  \(Int(rate)) /s  ETA \(Int(remaining.rounded())) s"
        FileHandle.standardError.write(Data((interactive ? "\r\(text)\u{1B}[K" : "\(text)\n").utf8))
    }

    /// Ends the progress line.
    func finish() {
        if interactive && lastPrinted >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
