import Dispatch
import Foundation
import Harness

/// Set by the first SIGINT or SIGTERM: the run finishes the image in hand, writes its tables and exits 130
/// (SIGINT) or 143 (SIGTERM), as a shell reports a process killed by the signal. A second signal exits at once
/// with the same status (the finished images are already on disk).
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var signalNumber: Int32?
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.raise(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    var isSet: Bool { received != nil }

    /// The first signal received, if any.
    var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return signalNumber
    }

    private func raise(_ number: Int32) {
        lock.lock()
        let first = signalNumber
        if first == nil { signalNumber = number }
        lock.unlock()
        if let first { exit(first == SIGTERM ? RunExit.terminated : RunExit.interrupted) }
        FileHandle.standardError.write(
            Data("\nstopping after this image (again to stop now; the run resumes with the same command)\n".utf8))
    }
}

/// Progress of a run on standard error: a bar with images/s and the ETA on a terminal, a line every 10 % (or
/// 30 s) otherwise.
final class RunProgressBar {
    private let total: Int
    private let quiet: Bool
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastLine = Date.distantPast
    private var lastDecile = -1

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
    }

    func update(_ progress: BenchmarkRun.Progress) {
        guard !quiet, total > 0 else { return }
        let rate = progress.elapsed > 0 ? Double(progress.done) / progress.elapsed : 0
        let remaining = rate > 0 ? Double(total - progress.done) / rate : 0
        let status = String(
            format: "%d/%d  %.2f img/s  ETA %@%@", progress.done, total, rate, Self.duration(remaining),
            progress.skipped > 0 ? "  \(progress.skipped) skipped" : "")
        if interactive {
            let width = 30
            let filled = width * progress.done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(status)\u{1B}[K".utf8))
        } else {
            let decile = progress.done * 10 / total
            guard decile != lastDecile || Date().timeIntervalSince(lastLine) > 30 else { return }
            lastDecile = decile
            lastLine = Date()
            FileHandle.standardError.write(Data("progress \(status)\n".utf8))
        }
    }

    func finish() {
        if interactive && !quiet && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }
}

/// Process resource figures for the manifest.
enum ResourceUsage {
    /// Peak resident set size in MiB (`getrusage`, kilobytes on Linux).
    static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
