import CHDF5

/// Why an HDF5 file or object could not be read; the message comes from libhdf5's error stack.
package enum HDF5Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be opened as HDF5 (not HDF5, truncated, unreadable).
    case cannotOpen(message: String)
    /// A group or dataset named by path is absent.
    case missingObject(message: String)
    /// An object exists but has the wrong type, shape or size, or its data cannot be read.
    case invalid(message: String)

    package var description: String {
        switch self {
        case .cannotOpen(let message), .missingObject(let message), .invalid(let message): message
        }
    }
}

/// An n-dimensional uint8 array read from HDF5: `shape` in HDF5 (C, row-major) axis order, outermost first.
package struct HDF5ByteArray: Equatable, Sendable {
    /// Extents, outermost first (a MATLAB H x W x 3 array is stored as `[3, W, H]`).
    package var shape: [Int]
    /// `shape.reduce(1, *)` bytes, row-major in `shape` order.
    package var bytes: [UInt8]
}

/// A read-only HDF5 file opened through libhdf5, for MATLAB v7.3 cell arrays of object references.
///
/// Safe to share between threads: the handle is immutable, and the C layer (`CHDF5`) holds one process-wide
/// lock around every libhdf5 call, because Debian's serial libhdf5 build is not thread-safe. The file stays
/// open for the object's lifetime and is closed in `deinit`.
package final class HDF5File: @unchecked Sendable {
    /// The path the file was opened from.
    package let path: String
    private let handle: OpaquePointer

    /// Opens `path` read-only; a MATLAB user block before the superblock is skipped by libhdf5.
    /// - Throws: ``HDF5Error/cannotOpen(message:)`` with libhdf5's reason.
    package init(path: String) throws(HDF5Error) {
        var message = [CChar](repeating: 0, count: Int(CHDF5_MESSAGE_LENGTH))
        var opened: OpaquePointer?
        let status = chdf5_open(path, &opened, &message)
        guard status == CHDF5_OK, let opened else {
            throw .cannotOpen(message: Self.text(message))
        }
        self.path = path
        self.handle = opened
    }

    deinit { chdf5_close(handle) }

    /// The version of the linked libhdf5 as major * 10000 + minor * 100 + release (1.10.8 -> 11008).
    package static var libraryVersion: Int { Int(chdf5_library_version()) }

    /// The shape of the 2-D object-reference dataset at `tablePath` (for example `/value/img`).
    /// - Throws: ``HDF5Error/missingObject(message:)`` when a path component is absent,
    ///   ``HDF5Error/invalid(message:)`` when it is not a 2-D dataset of object references.
    package func referenceTableShape(_ tablePath: String) throws(HDF5Error) -> (rows: Int, columns: Int) {
        var message = [CChar](repeating: 0, count: Int(CHDF5_MESSAGE_LENGTH))
        var rows: Int64 = 0
        var columns: Int64 = 0
        let status = chdf5_reference_table_shape(handle, tablePath, &rows, &columns, &message)
        if status != CHDF5_OK { throw Self.error(status: status, message: Self.text(message)) }
        return (Int(rows), Int(columns))
    }

    /// The shape (HDF5 order) of the uint8 dataset reached from `tablePath[row, 0]` after `extraHops` more
    /// references (`[0, 0]` of each intermediate cell), without reading its elements.
    /// - Throws: ``HDF5Error`` when a reference is dangling, a type is wrong or the array is over the limits.
    package func referencedShape(table tablePath: String, row: Int, extraHops: Int = 0) throws(HDF5Error) -> [Int] {
        try read(table: tablePath, row: row, extraHops: extraHops, readData: false).shape
    }

    /// Reads the uint8 dataset reached from `tablePath[row, 0]` after `extraHops` more references.
    ///
    /// The rank (1...3), extents (at most 2^20 each) and element count (at most 2^28) are checked before
    /// anything is allocated, so a hostile file cannot cause a huge allocation.
    /// - Throws: ``HDF5Error`` as ``referencedShape(table:row:extraHops:)``, or when the data cannot be read.
    package func readReferenced(table tablePath: String, row: Int, extraHops: Int = 0) throws(HDF5Error)
        -> HDF5ByteArray
    {
        try read(table: tablePath, row: row, extraHops: extraHops, readData: true)
    }

    private func read(table tablePath: String, row: Int, extraHops: Int, readData: Bool) throws(HDF5Error)
        -> HDF5ByteArray
    {
        var array = chdf5_array()
        let status = chdf5_read_referenced(
            handle, tablePath, Int64(row), Int32(extraHops), readData ? 1 : 0, &array)
        defer { chdf5_array_free(&array) }
        guard status == CHDF5_OK else {
            let message = withUnsafeBytes(of: array.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw Self.error(status: status, message: message)
        }
        let dims = withUnsafeBytes(of: array.dims) { Array($0.bindMemory(to: Int64.self)) }
        let shape = dims.prefix(Int(array.rank)).map { Int($0) }
        var bytes: [UInt8] = []
        if readData, let data = array.data, array.size > 0 {
            bytes = Array(UnsafeBufferPointer(start: data, count: array.size))
        }
        return HDF5ByteArray(shape: shape, bytes: bytes)
    }

    private static func error(status: Int32, message: String) -> HDF5Error {
        status == CHDF5_MISSING ? .missingObject(message: message) : .invalid(message: message)
    }

    private static func text(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
