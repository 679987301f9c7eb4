import Foundation
import Tensor
import Testing
import ViT

/// The promises `bench run` makes about processes, tested on the real executable: a folder resumes in a new
/// process and after `kill -9` to the tables of an uninterrupted run; a refused resume names the setting; runs
/// that would evaluate nothing fail and leave no folder; one writer per folder; SIGTERM exits 143.
@Suite("bench run across processes", .serialized)
struct RunPromiseTests {
    /// The tables and rows a finished run leaves, which resuming must reproduce byte for byte.
    static let comparedFiles = ["per_image.csv", "summary.csv", "per_class.csv", "summary.md", "skipped.csv"]

    /// Completed image blocks in a run folder's `per_image.csv`.
    static func completedBlocks(_ folder: URL) -> Int {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("per_image.csv"), encoding: .utf8)
        else { return 0 }
        return text.split(separator: "\n").filter { $0.contains(",_image,status,") }.count
    }

    static func expectSameTables(_ first: URL, _ second: URL) throws {
        for name in comparedFiles {
            let expected = try BenchProcess.contents(first, name)
            let actual = try BenchProcess.contents(second, name)
            #expect(actual == expected, "\(name) differs from the uninterrupted run's")
        }
    }

    @Test("the same command in a second process resumes the folder and gives the uninterrupted run's tables")
    func resumeInSecondProcess() throws {
        let base = BenchProcess.temporaryFolder("resume")
        defer { try? FileManager.default.removeItem(at: base) }
        let whole = base.appendingPathComponent("whole")
        let split = base.appendingPathComponent("split")
        let common = ["--methods", "rollout,agc", "--quiet"]
        let reference = try BenchProcess.run(common + ["--limit", "3", "--out", whole.path])
        #expect(reference.status == 0, "\(reference.standardError)")
        let first = try BenchProcess.run(common + ["--limit", "3", "--out", split.path])
        #expect(first.status == 0, "\(first.standardError)")
        // Hash seeds differ from process to process: the reopening must not depend on dictionary order.
        for attempt in 1...5 {
            let again = try BenchProcess.run(["--methods", "rollout,agc", "--limit", "3", "--out", split.path])
            #expect(again.status == 0, "attempt \(attempt): \(again.standardError)")
            #expect(again.standardError.contains("(3 already done in"), "\(again.standardError)")
        }
        try Self.expectSameTables(whole, split)
    }

    @Test("a run killed with SIGKILL mid-run resumes with the same command to the uninterrupted run's tables")
    func resumeAfterKill() throws {
        let base = BenchProcess.temporaryFolder("kill")
        defer { try? FileManager.default.removeItem(at: base) }
        let whole = base.appendingPathComponent("whole")
        let killed = base.appendingPathComponent("killed")
        let common = ["--methods", "rollout,smoothgrad", "--limit", "5", "--quiet"]
        let reference = try BenchProcess.run(common + ["--out", whole.path])
        #expect(reference.status == 0, "\(reference.standardError)")
        let (process, _, _) = try BenchProcess.start(common + ["--out", killed.path])
        let deadline = Date().addingTimeInterval(120)
        while Self.completedBlocks(killed) < 2 && process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        let done = Self.completedBlocks(killed)
        #expect(done >= 2 && done < 5, "killed after \(done) of 5 images")
        let resumed = try BenchProcess.run(common + ["--out", killed.path])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        try Self.expectSameTables(whole, killed)
    }

    @Test(
        "a resume with other settings is refused in one line naming the setting, old and new value",
        arguments: [
            (["--protocol", "agc2024"], "protocol was \"otsu\", now \"agc2024\""),
            (["--methods", "agc"], "methods was [\"rollout\"], now [\"agc\"]"),
            (["--limit", "2"], "limit was 1, now 2"),
        ])
    func refusedResume(change: [String], expected: String) throws {
        let folder = BenchProcess.temporaryFolder("refused")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try BenchProcess.run(["--methods", "rollout", "--limit", "1", "--quiet", "--out", folder.path])
        #expect(first.status == 0, "\(first.standardError)")
        let before = try BenchProcess.contents(folder, "per_image.csv")
        var arguments = ["--methods", "rollout", "--limit", "1", "--quiet", "--out", folder.path]
        for pair in stride(from: 0, to: change.count, by: 2) {
            if let position = arguments.firstIndex(of: change[pair]) {
                arguments[position + 1] = change[pair + 1]
            } else {
                arguments += [change[pair], change[pair + 1]]
            }
        }
        let refused = try BenchProcess.run(arguments)
        #expect(refused.status == 1)
        let lines = refused.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(expected), "\(refused.standardError)")
        #expect(try BenchProcess.contents(folder, "per_image.csv") == before, "the refused run changed the folder")
    }

    /// Arguments that must refuse a run before any folder exists, with the exit status and a part of the message.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var status: Int32
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(
        "runs that would evaluate nothing fail before any folder is written",
        arguments: [
            Refusal(arguments: ["--methods", ""], status: 1, message: "names no method"),
            Refusal(arguments: ["--methods", ","], status: 1, message: "names no method"),
            Refusal(arguments: ["--methods", "agc,,gae"], status: 1, message: "item 2 is empty"),
            Refusal(arguments: ["--methods", "agc,agc"], status: 1, message: "method 'agc' is listed twice"),
            Refusal(
                arguments: ["--methods", "rollout", "--limit", "2", "--shard", "5/6"], status: 1,
                message: "nothing to evaluate: shard 5/6 of 2 images holds none"),
            Refusal(arguments: ["--methods", "rollout", "--policy", "timm"], status: 64, message: "--policy squash"),
            Refusal(arguments: ["--methods", "rollout", "--crop-pct", "0.9"], status: 64, message: "crop 1"),
        ])
    func nothingToEvaluate(_ refusal: Refusal) throws {
        let folder = BenchProcess.temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try BenchProcess.run(refusal.arguments + ["--quiet", "--out", folder.path])
        #expect(outcome.status == refusal.status && !outcome.signalled, "\(outcome.standardError)")
        #expect(outcome.standardError.contains(refusal.message), "\(outcome.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.path), "a refused run left \(folder.path)")
    }

    @Test("two processes started at once on a new folder: one runs, the other is refused and deletes nothing")
    func simultaneousStarts() throws {
        let folder = BenchProcess.temporaryFolder("race")
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = ["--methods", "rollout", "--limit", "3", "--quiet", "--out", folder.path]
        let started = try (0..<2).map { _ in try BenchProcess.start(command) }
        for (process, _, _) in started { process.waitUntilExit() }
        let statuses = started.map(\.0.terminationStatus).sorted()
        // Either the second waited out the first's manifest and resumed it, or it was refused by the lock.
        #expect(statuses == [0, 1] || statuses == [0, 0], "\(statuses)")
        #expect(Self.completedBlocks(folder) == 3)
        let resumed = try BenchProcess.run(["--methods", "rollout", "--limit", "3", "--out", folder.path])
        #expect(resumed.status == 0 && resumed.standardError.contains("(3 already done in"))
        // The banner names the adapter the run used.
        #expect(resumed.standardError.contains("synthetic adapter at"), "\(resumed.standardError)")
    }

    @Test("a second process on a folder in use is refused with the holder's pid; SIGTERM stops the first with 143")
    func oneWriterAndSIGTERM() throws {
        let folder = BenchProcess.temporaryFolder("lock")
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = ["--methods", "smoothgrad", "--limit", "6", "--quiet", "--out", folder.path]
        let (first, _, _) = try BenchProcess.start(command)
        let deadline = Date().addingTimeInterval(120)
        while Self.completedBlocks(folder) < 1 && first.isRunning && Date() < deadline { usleep(20_000) }
        #expect(first.isRunning, "the first run ended before the second started")
        let second = try BenchProcess.run(command)
        #expect(second.status == 1)
        #expect(second.standardError.contains("in use by another bench process (pid \(first.processIdentifier))"))
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        #expect(first.terminationReason == .exit && first.terminationStatus == 143)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bench.lock").path))
        // The stopped folder resumes.
        let resumed = try BenchProcess.run(command)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(Self.completedBlocks(folder) == 6)
    }

    @Test("a run whose every image is skipped finishes, lists each in skipped.csv and exits 2")
    func everySampleSkipped() throws {
        let base = BenchProcess.temporaryFolder("all-skipped")
        defer { try? FileManager.default.removeItem(at: base) }
        let root = base.appendingPathComponent("data")
        let synth = try BenchProcess.run(["synth", "--out", root.path, "--count", "12", "--seed", "4"])
        #expect(synth.status == 0, "\(synth.standardError)")
        let images = root.appendingPathComponent("JPEGImages")
        for name in try FileManager.default.contentsOfDirectory(atPath: images.path) {
            // A JPEG cut after its first bytes: the header is there, the pixels are not.
            let url = images.appendingPathComponent(name)
            try Data(try Data(contentsOf: url).prefix(40)).write(to: url)
        }
        let out = base.appendingPathComponent("run")
        let outcome = try BenchProcess.run([
            "--dataset", "synthetic", "--root", root.path, "--methods", "rollout", "--quiet", "--out", out.path,
        ])
        #expect(outcome.status == 2, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("was skipped"))
        let skipped = try String(contentsOf: out.appendingPathComponent("skipped.csv"), encoding: .utf8)
        let lines = skipped.split(separator: "\n").dropFirst()
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("JPEGImages/") })
        #expect(Self.completedBlocks(out) == lines.count)
    }

    @Test("a dataset whose split lists no sample is refused and leaves no folder")
    func emptySplitRefused() throws {
        let base = BenchProcess.temporaryFolder("empty-split")
        defer { try? FileManager.default.removeItem(at: base) }
        let root = base.appendingPathComponent("data")
        let synth = try BenchProcess.run(["synth", "--out", root.path, "--count", "6", "--seed", "1"])
        #expect(synth.status == 0, "\(synth.standardError)")
        try Data().write(to: root.appendingPathComponent("ImageSets/Segmentation/val.txt"))
        let out = base.appendingPathComponent("run")
        let outcome = try BenchProcess.run([
            "--dataset", "synthetic", "--root", root.path, "--methods", "rollout", "--quiet", "--out", out.path,
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("nothing to evaluate: split val of the synthetic dataset at"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("images whose logits are NaN are skipped with the reason, and a run of nothing else exits 2")
    func nonFiniteLogitsSkipped() throws {
        let base = BenchProcess.temporaryFolder("nan-run")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let config = ViTConfig(imageSize: 224, patchSize: 16, embedDim: 32, depth: 1, heads: 1, classes: 10)
        let checkpoint = try BenchProcess.nanCheckpoint(config, seed: 5, in: base, name: "nan")
        let out = base.appendingPathComponent("run")
        let outcome = try BenchProcess.run([
            "--model", "tiny", "--weights", checkpoint, "--heads", "1", "--methods", "rollout", "--limit", "2",
            "--quiet", "--out", out.path,
        ])
        #expect(outcome.status == 2, "\(outcome.standardError)")
        let skipped = try String(contentsOf: out.appendingPathComponent("skipped.csv"), encoding: .utf8)
        let lines = skipped.split(separator: "\n").dropFirst()
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("logits are not finite (1 of 10 NaN or infinite)") })
    }
}
