/// Why a checkpoint (a safetensors file, or its tensors against a ViT geometry) could not be loaded: the file and
/// a typed reason. A damaged or hostile file always ends here, never in a crash or a huge allocation.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        /// The file could not be opened, measured or mapped (the system's message).
        case unreadable(String)
        /// The file ends before the 8-byte header length or before the header it announces.
        case truncated(fileSize: Int, needed: Int)
        /// The header length exceeds safetensors' `MAX_HEADER_SIZE` (100,000,000 bytes).
        case headerTooLarge(UInt64)
        /// The header is not a UTF-8 JSON object of entries (the detail says what is wrong).
        case malformedHeader(String)
        /// The header names this tensor (or `__metadata__`) twice; a JSON reader would silently keep one.
        case duplicateKey(String)
        /// One entry's dtype, shape or offsets are invalid.
        case invalidEntry(tensor: String, detail: String)
        /// The entry's dtype is none of F32, F16, BF16, F64.
        case unsupportedDType(tensor: String, dtype: String)
        /// The data offsets leave a hole, overlap, or do not end exactly at the end of the file.
        case invalidLayout(String)
        /// No tensor of that name in the file.
        case noSuchTensor(String)
        /// The keys match neither timm's nor Hugging Face's ViT names.
        case unknownFamily(String)
        /// Keys the model needs but the file lacks, and keys in the file the model does not use (both sorted; at
        /// least one non-empty).
        case keyMismatch(missing: [String], unexpected: [String])
        /// A tensor's shape differs from what the geometry requires.
        case shapeMismatch(tensor: String, expected: [Int], found: [Int])
        /// The tensors (or the requested head count) do not describe a consistent ViT geometry.
        case inconsistentGeometry(String)
    }

    /// The checkpoint's path.
    public let file: String
    public let reason: Reason

    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    public var description: String {
        "\(file): \(reasonDescription)"
    }

    /// The reason in words.
    public var reasonDescription: String {
        switch reason {
        case .unreadable(let message): "cannot read the file: \(message)"
        case .truncated(let fileSize, let needed): "truncated: \(fileSize) bytes, at least \(needed) needed"
        case .headerTooLarge(let length): "header length \(length) exceeds the 100000000-byte limit"
        case .malformedHeader(let detail): "malformed header: \(detail)"
        case .duplicateKey(let key): "malformed header: the key '\(key)' appears twice"
        case .invalidEntry(let tensor, let detail): "invalid entry '\(tensor)': \(detail)"
        case .unsupportedDType(let tensor, let dtype):
            "tensor '\(tensor)' has dtype \(dtype); only F32, F16, BF16 and F64 are supported"
        case .invalidLayout(let detail): "invalid data layout: \(detail)"
        case .noSuchTensor(let name): "no tensor named '\(name)'"
        case .unknownFamily(let detail): "not a timm or Hugging Face ViT checkpoint: \(detail)"
        case .keyMismatch(let missing, let unexpected):
            [
                missing.isEmpty ? nil : "missing \(Self.listing(missing))",
                unexpected.isEmpty ? nil : "unexpected \(Self.listing(unexpected))",
            ].compactMap { $0 }.joined(separator: "; ")
        case .shapeMismatch(let tensor, let expected, let found):
            "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .inconsistentGeometry(let detail): "inconsistent geometry: \(detail)"
        }
    }

    /// A key list for a message: all of a short list, else the first ten and the count (a wrong depth would
    /// otherwise print a hundred keys).
    private static func listing(_ keys: [String]) -> String {
        let noun = keys.count == 1 ? "key" : "keys"
        guard keys.count > 10 else { return "\(noun): \(keys.joined(separator: ", "))" }
        return "\(keys.count) \(noun): \(keys.prefix(10).joined(separator: ", ")), ..."
    }
}
