import Crypto
import Foundation
import Testing

@testable import BenchCLI

/// The model checksum of a run's manifest: swift-crypto's SHA-256 fed a file in pieces.
@Suite("SHA-256 of a file")
struct FileDigestTests {
    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf" and "SHA2_Additional"), the last the million-'a'
    /// message.
    @Test(
        "NIST example vectors",
        arguments: [
            ("", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            ("a", 1_000_000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ])
    func vectors(message: String, repeats: Int, digest: String) throws {
        let path = try Self.temporaryFile(Array(String(repeating: message, count: repeats).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try FileDigest.sha256Hex(ofFile: path) == digest)
    }

    @Test("a file of several pieces, the last one short, hashes as its bytes in one call")
    func severalPieces() throws {
        var state: UInt64 = 0x5EED
        let bytes = (0..<(2 * FileDigest.pieceSize + 12_345)).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let path = try Self.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try FileDigest.sha256Hex(ofFile: path) == FileDigest.hex(SHA256.hash(data: bytes)))
    }

    @Test("a missing file is a typed error naming it")
    func missingFile() {
        let path = "/nonexistent/weights.safetensors"
        #expect {
            try FileDigest.sha256Hex(ofFile: path)
        } throws: { error in
            guard case .unreadableFile(let named, _) = error as? RunError else { return false }
            return named == path
        }
    }
}
