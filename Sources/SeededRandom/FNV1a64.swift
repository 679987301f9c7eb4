/// The 64-bit FNV-1a hash (Fowler, Noll and Vo): deterministic across processes and platforms, unlike
/// `hashValue`. It turns names into seeds (the random baseline's per-image seed, the bootstrap's per-metric
/// stream) and checksums a run's row blocks.
public struct FNV1a64: Sendable {
    /// The hash of the bytes added so far (the offset basis before any).
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds `bytes`, one at a time: `value = (value ^ byte) * 0x100000001b3`.
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }

    /// The hash of `text`'s UTF-8 bytes.
    public static func hash(_ text: String) -> UInt64 {
        var hasher = FNV1a64()
        hasher.add(text.utf8)
        return hasher.value
    }
}
