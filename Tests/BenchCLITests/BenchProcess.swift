import Foundation
import Tensor
import Testing
import ViT

/// Runs the built `bench` executable in a new process, as a user does: the promises about processes (resume
/// after a kill, a refused resume, exit codes) are tested here, not through library calls.
///
/// SwiftPM builds the executable into the products folder next to the test bundle (`.build*/debug/bench`).
struct BenchProcess {
    /// What a finished `bench` process left.
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
        /// Whether the process ended by a signal (`status` is then the signal number).
        var signalled: Bool
    }

    /// The `bench` binary beside this test bundle.
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundle.appendingPathComponent("bench")
    }()

    /// The package root (the demo model and `.cache/synthetic` resolve against it).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A new empty temporary folder (not created).
    static func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(name)-\(UUID().uuidString)")
    }

    /// Starts `bench arguments` in the package root; the caller waits or kills.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let executable = Self.executable
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "no bench binary at \(executable.path); build the package's products first")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var processEnvironment = ProcessInfo.processInfo.environment
        // Deterministic hashing would hide order-dependent bugs between processes.
        processEnvironment.removeValue(forKey: "SWIFT_DETERMINISTIC_HASHING")
        for (key, value) in environment { processEnvironment[key] = value }
        process.environment = processEnvironment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, output, error)
    }

    /// Runs `bench arguments` to the end.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let (process, output, error) = try start(arguments, environment: environment)
        // Read both pipes while the process runs, so a full pipe never blocks it.
        let collected = CollectedOutput()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (error, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(String(decoding: data, as: UTF8.self), isError: isError)
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Outcome(
            status: process.terminationStatus, standardOutput: collected.output, standardError: collected.error,
            signalled: process.terminationReason == .uncaughtSignal)
    }

    /// Writes a random-init ViT checkpoint whose first head bias is NaN (so every logit row holds a NaN) to
    /// `folder/name.safetensors` and returns its path.
    static func nanCheckpoint(_ config: ViTConfig, seed: UInt64, in folder: URL, name: String) throws -> String {
        var weights = ViTWeights.random(config: config, seed: seed)
        weights.headBias = Tensor(shape: weights.headBias.shape, storage: [.nan] + weights.headBias.storage.dropFirst())
        let path = folder.appendingPathComponent("\(name).safetensors").path
        try Checkpoint.write(weights, to: path)
        return path
    }

    /// The bytes of `name` in `folder`.
    static func contents(_ folder: URL, _ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }
}

/// Both output streams of a process, filled from two reader threads.
final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var standardOutput = ""
    private var standardError = ""

    func set(_ text: String, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { standardError = text } else { standardOutput = text }
    }

    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return standardOutput
    }

    var error: String {
        lock.lock()
        defer { lock.unlock() }
        return standardError
    }
}
