import Crypto
import Foundation

/// SHA-256 of a file, for the model checksum a run's manifest records (`model_sha256`, and its first 12 digits
/// in the notes): a folder resumes and shards merge only with the same weights.
///
/// The digest is swift-crypto's `SHA256` (apple/swift-crypto 4.5.2, `Sources/Crypto/Digests`; BoringSSL's
/// implementation on Linux), which replaced our own FIPS 180-4 copy (issue 14): on a 330 MB file (a ViT-B
/// checkpoint's size) it takes 0.3 s of CPU against our copy's 1.4 to 1.6 s, release builds on the 2-core
/// machine. Its cost is the build: a clean debug test build of the package took 158 s more CPU (494 s against
/// 336 s; 11 min 17 s against 7 min 56 s of wall time on the loaded shared machine). The file is fed in
/// 4 MiB pieces, so a checkpoint of a few hundred megabytes is never held in memory whole.
enum FileDigest {
    /// The bytes read and hashed at a time.
    static let pieceSize = 4 << 20

    /// The SHA-256 of the file at `path` as 64 lowercase hex digits.
    /// - Throws: ``RunError/unreadableFile(path:reason:)`` when the file cannot be opened or read.
    static func sha256Hex(ofFile path: String) throws(RunError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadableFile(path: path, reason: "cannot open it for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let piece = try handle.read(upToCount: pieceSize), !piece.isEmpty {
                hasher.update(data: piece)
            }
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        return hex(hasher.finalize())
    }

    /// `digest` as lowercase hex digits, two a byte.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
