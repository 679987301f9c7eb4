import Foundation
import Tensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A safetensors file, memory-mapped read-only and validated, whose tensors are copied out as `Float` tensors one at
/// a time.
///
/// The format (huggingface/safetensors `README.md`, `safetensors/src/tensor.rs`): bytes `[0, 8)` hold `N`, the
/// header length as a little-endian u64; bytes `[8, 8 + N)` a UTF-8 JSON object starting with `{` (possibly padded
/// with spaces) mapping each name to `{"dtype", "shape", "data_offsets": [begin, end]}` plus an optional
/// `"__metadata__"` string map; then the data buffer, row-major and little-endian, offsets relative to its start.
/// Opening checks everything the Rust crate's `validate()` checks, so every later read stays inside the mapping:
/// `N <= 100_000_000` and `8 + N <= file size`; each entry's byte size equals `product(shape) * dtype size`; the
/// entries sorted by offset tile the data buffer with no hole and no overlap and end exactly at the end of the file.
/// Nothing is allocated in proportion to a size the file claims before that size is checked against the file.
/// As with any memory-mapped file, another process truncating it while it is open makes a later read fault
/// (SIGBUS); load a checkpoint that nothing else is writing.
public final class SafeTensorsFile {
    /// safetensors' `MAX_HEADER_SIZE`.
    public static let maximumHeaderLength: UInt64 = 100_000_000

    /// The path the file was opened from (named in every error).
    public let path: String
    /// The tensors' descriptions by name (without `__metadata__`).
    public let entries: [String: SafeTensorsEntry]
    /// The `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// The file's size in bytes.
    public let fileSize: Int
    /// Where the data buffer starts in the file (`8 + N`).
    public let dataStart: Int

    /// The start of the read-only mapping of the whole file.
    private let mapping: UnsafeMutableRawPointer
    private let pageSize: Int

    /// Maps and validates the file at `path`.
    /// - Throws: ``CheckpointError`` naming the file and what is wrong with it.
    public init(contentsOf path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CheckpointError(file: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CheckpointError(file: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError(file: path, reason: .unreadable("not a regular file"))
        }
        let fileSize = Int(status.st_size)
        guard fileSize >= 8 else {
            throw CheckpointError(file: path, reason: .truncated(fileSize: fileSize, needed: 8))
        }
        guard let mapped = mmap(nil, fileSize, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw CheckpointError(file: path, reason: .unreadable("mmap: \(String(cString: strerror(errno)))"))
        }
        self.mapping = mapped
        self.fileSize = fileSize
        self.pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        // From here on, a throw deinitialises nothing, so unmap by hand before rethrowing.
        do {
            let layout = try Self.parse(UnsafeRawBufferPointer(start: mapped, count: fileSize), path: path)
            self.dataStart = layout.dataStart
            self.entries = layout.entries
            self.metadata = layout.metadata
        } catch {
            munmap(mapped, fileSize)
            throw error
        }
    }

    deinit {
        munmap(mapping, fileSize)
    }

    /// The tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The description of the tensor `name`.
    /// - Throws: ``CheckpointError/Reason/noSuchTensor(_:)``.
    public func entry(named name: String) throws -> SafeTensorsEntry {
        guard let entry = entries[name] else { throw CheckpointError(file: path, reason: .noSuchTensor(name)) }
        return entry
    }

    /// The tensor `name` converted to `Float`, shape as stored (a rank-0 tensor has shape `[]`).
    ///
    /// F32 is copied as is (the host is little-endian); F16 converts through Swift's `Float16` (IEEE binary16,
    /// exact in Float); BF16 is the upper half of a Float's bits (`bits << 16`, exact); F64 rounds to nearest.
    /// - Parameter releasing: drop the mapped pages of this tensor afterwards (`madvise(MADV_DONTNEED)`), so
    ///   loading a whole model keeps one copy of the weights resident, not two.
    /// - Throws: ``CheckpointError`` for an unknown name or a non-float dtype.
    public func tensor(named name: String, releasing: Bool = true) throws -> Tensor {
        let entry = try entry(named: name)
        let count = entry.elementCount
        let source = UnsafeRawPointer(mapping + dataStart + entry.byteRange.lowerBound)
        let storage: [Float]
        switch entry.dtype {
        case "F32":
            storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let target = buffer.baseAddress {
                    UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * 4)
                }
                #if _endian(big)
                    for index in 0..<count { buffer[index] = Float(bitPattern: buffer[index].bitPattern.byteSwapped) }
                #endif
                initialized = count
            }
        case "F16":
            storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                    buffer[index] = Float(Float16(bitPattern: bits))
                }
                initialized = count
            }
        case "BF16":
            storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                    buffer[index] = Float(bitPattern: UInt32(bits) << 16)
                }
                initialized = count
            }
        case "F64":
            storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
                    buffer[index] = Float(Double(bitPattern: bits))
                }
                initialized = count
            }
        default:
            throw CheckpointError(file: path, reason: .unsupportedDType(tensor: name, dtype: entry.dtype))
        }
        if releasing { releasePages(of: entry) }
        return Tensor(shape: entry.shape, storage: storage)
    }

    /// Drops the resident mapped pages that hold `entry`'s bytes (widened to whole pages: the mapping is read-only
    /// and file-backed, so a later read of a neighbouring tensor simply faults its page back in).
    public func releasePages(of entry: SafeTensorsEntry) {
        guard !entry.byteRange.isEmpty else { return }
        let first = (dataStart + entry.byteRange.lowerBound) / pageSize * pageSize
        let end = min(fileSize, dataStart + entry.byteRange.upperBound)
        _ = madvise(mapping + first, end - first, Int32(MADV_DONTNEED))
    }
}

/// One tensor's description in a safetensors header.
public struct SafeTensorsEntry: Equatable, Sendable {
    /// The tensor's name.
    public let name: String
    /// The dtype as written (`F32`, `F16`, `BF16`, `F64`, `I64`, ...).
    public let dtype: String
    /// The extents, outermost first.
    public let shape: [Int]
    /// The bytes in the data buffer (relative to its start).
    public let byteRange: Range<Int>

    /// `product(shape)`.
    public var elementCount: Int { shape.reduce(1, *) }
}
