import Foundation
import Testing

/// `bench merge` on the real executable: the shards of one run merge to the tables of the unsplit run; folders
/// that are not the shards of one run are refused with the shard and the setting named.
@Suite("bench merge across processes", .serialized)
struct MergePromiseTests {
    static let common = ["--methods", "rollout", "--limit", "4", "--quiet"]

    /// Runs `bench` with `arguments` into `folder` and expects success.
    static func run(_ arguments: [String], into folder: URL) throws {
        let outcome = try BenchProcess.run(arguments + ["--out", folder.path])
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)")
    }

    @Test("the shards 0/2 and 1/2 merge to the tables of the unsplit run, each with the protocol column")
    func mergeEqualsOneRun() throws {
        let base = BenchProcess.temporaryFolder("merge")
        defer { try? FileManager.default.removeItem(at: base) }
        let whole = base.appendingPathComponent("whole")
        try Self.run(Self.common, into: whole)
        let shards = (0..<2).map { base.appendingPathComponent("shard\($0)") }
        for (index, shard) in shards.enumerated() {
            try Self.run(Self.common + ["--shard", "\(index)/2"], into: shard)
        }
        let merged = base.appendingPathComponent("merged")
        let outcome = try BenchProcess.run(["merge"] + shards.reversed().map(\.path) + ["--out", merged.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        for name in ["summary.csv", "per_class.csv", "per_image.csv"] {
            #expect(try BenchProcess.contents(merged, name) == BenchProcess.contents(whole, name), "\(name)")
        }
        let summary = try String(contentsOf: merged.appendingPathComponent("summary.csv"), encoding: .utf8)
        let lines = summary.split(separator: "\n")
        #expect(lines.first?.hasSuffix(",protocol") == true)
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",otsu") } && lines.count > 1)
    }

    /// A second shard run with `change` applied to the common options, and the message its merge must give.
    static let mismatches: [(change: [String], message: String)] = [
        (["--methods", "agc"], "methods is [\"agc\"], but [\"rollout\"]"),
        (["--protocol", "agc2024"], "protocol is \"agc2024\", but \"otsu\""),
        (["--limit", "6"], "limit is 6, but 4"),
        (["--threads", "1", "--shard", "1/3"], "shard 1/3 is of 3 shards"),
    ]

    @Test("shards of different runs are refused, naming the shard and the setting", arguments: 0..<4)
    func mismatchedShardsRefused(case index: Int) throws {
        let (change, message) = Self.mismatches[index]
        let base = BenchProcess.temporaryFolder("merge-mismatch")
        defer { try? FileManager.default.removeItem(at: base) }
        let first = base.appendingPathComponent("shard0")
        try Self.run(Self.common + ["--shard", "0/2"], into: first)
        var arguments = Self.common + ["--shard", "1/2"]
        for pair in stride(from: 0, to: change.count, by: 2) {
            if let position = arguments.firstIndex(of: change[pair]) {
                arguments[position + 1] = change[pair + 1]
            } else {
                arguments += [change[pair], change[pair + 1]]
            }
        }
        let second = base.appendingPathComponent("shard1")
        try Self.run(arguments, into: second)
        let merged = base.appendingPathComponent("merged")
        let outcome = try BenchProcess.run(["merge", first.path, second.path, "--out", merged.path])
        #expect(outcome.status == 1)
        #expect(
            outcome.standardError.contains("cannot merge \(second.path)") && outcome.standardError.contains(message),
            "\(outcome.standardError)")
        #expect(!FileManager.default.fileExists(atPath: merged.path))
    }

    @Test("a missing shard, a shard given twice and a folder that is no shard are refused")
    func incompleteShardSetsRefused() throws {
        let base = BenchProcess.temporaryFolder("merge-set")
        defer { try? FileManager.default.removeItem(at: base) }
        let shard = base.appendingPathComponent("shard0")
        try Self.run(Self.common + ["--shard", "0/2"], into: shard)
        let whole = base.appendingPathComponent("whole")
        try Self.run(Self.common, into: whole)
        let cases: [([URL], String)] = [
            ([shard], "shards 1/2 are missing"),
            ([shard, shard], "shard 0/2 is also \(shard.path)"),
            ([shard, whole], "not a shard"),
        ]
        for (folders, message) in cases {
            let merged = base.appendingPathComponent("merged")
            let outcome = try BenchProcess.run(["merge"] + folders.map(\.path) + ["--out", merged.path])
            #expect(outcome.status == 1 && outcome.standardError.contains(message), "\(outcome.standardError)")
            #expect(!FileManager.default.fileExists(atPath: merged.path))
        }
    }

    @Test("a shard stopped before its end is refused as unfinished, and merges once resumed")
    func unfinishedShardRefused() throws {
        let base = BenchProcess.temporaryFolder("merge-unfinished")
        defer { try? FileManager.default.removeItem(at: base) }
        let common = ["--methods", "smoothgrad", "--limit", "8", "--quiet"]
        let first = base.appendingPathComponent("shard0")
        try Self.run(common + ["--shard", "0/2"], into: first)
        let second = base.appendingPathComponent("shard1")
        let (process, _, _) = try BenchProcess.start(common + ["--shard", "1/2", "--out", second.path])
        let deadline = Date().addingTimeInterval(120)
        while RunPromiseTests.completedBlocks(second) < 1 && process.isRunning && Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "the shard finished before it could be stopped")
        let merged = base.appendingPathComponent("merged")
        let refused = try BenchProcess.run(["merge", first.path, second.path, "--out", merged.path])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("cannot merge \(second.path): the shard is unfinished"))
        #expect(!FileManager.default.fileExists(atPath: merged.path))
        try Self.run(common + ["--shard", "1/2"], into: second)
        let outcome = try BenchProcess.run(["merge", first.path, second.path, "--out", merged.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
    }
}
