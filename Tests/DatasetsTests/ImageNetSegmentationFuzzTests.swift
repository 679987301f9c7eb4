import Foundation
import SeededRandom
import TestSupport
import Testing

@testable import Datasets

/// Random bytes, truncations and byte flips of the fixture, written to a temporary folder and opened: each
/// must be rejected with a typed error or open as a dataset whose samples load or fail with typed errors.
/// A crash inside libhdf5 would abort the test process, so passing means no input here crashed.
struct ImageNetSegmentationFuzzTests {
    typealias Fixture = ImageNetSegmentationFixture

    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    static func original() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Fixture.directory().appendingPathComponent("gtsegs_ijcv.mat")))
    }

    /// Writes `bytes` as `gtsegs_ijcv.mat` in `folder` and exercises it.
    static func outcome(of bytes: [UInt8], in folder: URL) throws -> Fixture.Outcome {
        let file = folder.appendingPathComponent("gtsegs_ijcv.mat")
        try Data(bytes).write(to: file)
        return Fixture.exercise(path: folder.path)
    }

    /// libhdf5 compares the file length with the end-of-file address stored in the superblock and refuses a
    /// shorter file ("truncated file: eof = ..."), so every cut is rejected when the dataset is opened.
    @Test func everyTruncationIsRejectedAtOpen() throws {
        let original = try Self.original()
        let folder = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Densely through the user block, the superblock and the first object headers, then every 11 bytes.
        var lengths = Array(stride(from: 0, to: 800, by: 2))
        lengths += Array(stride(from: 800, to: original.count, by: 11))
        lengths += Array((original.count - 64)..<original.count)
        for length in lengths {
            let outcome = try Self.outcome(of: Array(original.prefix(length)), in: folder)
            #expect(outcome == .rejected(kind: "invalid-layout"), "length \(length)")
        }
        #expect(try Self.outcome(of: original, in: folder) == .opened(loaded: 3, failed: 0))
    }

    @Test func randomBytesAreRejected() throws {
        let folder = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SplitMix64(seed: 2024)
        for round in 0..<400 {
            var bytes = random.bytes(Int(random.next() % 4096))
            // Put the HDF5 signature where libhdf5 looks for it (offset 0 or after a 512-byte user block), so
            // the superblock parser sees random fields.
            if round % 3 == 0, bytes.count >= 8 {
                bytes.replaceSubrange(0..<8, with: Self.hdf5Signature)
            } else if round % 3 == 1, bytes.count >= 520 {
                bytes.replaceSubrange(512..<520, with: Self.hdf5Signature)
            }
            let outcome = try Self.outcome(of: bytes, in: folder)
            #expect(outcome == .rejected(kind: "invalid-layout"), "round \(round)")
        }
    }

    /// Byte flips reach object headers, chunk indexes and compressed chunks. libhdf5 1.10.8 itself copies past
    /// its buffers for some of them (a chunk shape that disagrees with the compressed data, a stored size that
    /// disagrees with the dataspace); `chdf5.c` validates those fields and inflates chunks itself, and this
    /// test pins that down.
    @Test func byteFlipsGiveTypedErrorsOrData() throws {
        let original = try Self.original()
        let folder = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SplitMix64(seed: 99)
        var opened = 0
        var rejected = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 6)) {
                // Past the MATLAB header text, which libhdf5 never reads.
                let position = 512 + Int(random.next() % UInt64(bytes.count - 512))
                bytes[position] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            switch try Self.outcome(of: bytes, in: folder) {
            case .rejected: rejected += 1
            case .opened: opened += 1
            }
        }
        // Most flips land in unused space or raw data, and the file still opens.
        #expect(opened > 0)
        #expect(opened + rejected == 400)
    }
}
