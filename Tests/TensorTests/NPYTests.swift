import Foundation
import Testing

@testable import Tensor

struct NPYTests {
    /// The bytes `numpy.save` writes for `np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)` (numpy 2.4).
    static let numpySaved: [UInt8] =
        [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0]
        + Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
        + [UInt8](repeating: 0x20, count: 58) + [0x0A]
        + [0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64, 0, 0, 192, 64]

    @Test func writesWhatNumpyWrites() {
        let tensor = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        #expect([UInt8](NPY.encode(tensor)) == Self.numpySaved)
    }

    @Test func readsWhatNumpyWrites() throws {
        let tensor = try NPY.decode(Data(Self.numpySaved))
        #expect(tensor.shape == [2, 3])
        #expect(tensor.storage == [1, 2, 3, 4, 5, 6])
    }

    @Test(arguments: [[], [0], [5], [2, 0, 3], [1, 2, 3, 4]])
    func roundTripsShapes(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let tensor = Tensor(shape: shape, storage: (0..<count).map { Float($0) * 0.5 - 1 })
        #expect(try NPY.decode(NPY.encode(tensor)) == tensor)
    }

    @Test func truncationsAreTypedErrors() {
        let data = NPY.encode(Tensor(shape: [4, 4], repeating: 1))
        for length in 0..<(data.count - 1) {
            #expect(throws: NPY.Failure.self) { try NPY.decode(data.prefix(length)) }
        }
    }

    /// A header with the given dtype and shape and `bodyBytes` zero bytes of data.
    static func file(descriptor: String, shape: String, bodyBytes: Int) -> Data {
        var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let length = UInt16(header.utf8.count)
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 0, count: bodyBytes))
        return data
    }

    /// Hostile headers (found in review): an element count that overflows, and element widths numpy never
    /// writes, are typed errors, not traps or huge allocations.
    @Test(arguments: [
        ("<f4", "(1073741824, 1073741824, 16)"), ("<u0", "(2147483647,)"), ("<u-1", "(4,)"),
        ("<u99999999999999999", "(4,)"), ("<u3", "(4,)"), ("<f16", "(1,)"),
    ])
    func hostileHeadersAreTypedErrors(descriptor: String, shape: String) {
        #expect(throws: NPY.Failure.self) {
            try NPY.decode(Self.file(descriptor: descriptor, shape: shape, bodyBytes: 64))
        }
    }

    @Test func integerAndHalfArraysConvert() throws {
        let data = Self.file(descriptor: "<i2", shape: "(2,)", bodyBytes: 0) + Data([0xFF, 0xFF, 0x02, 0x00])
        #expect(try NPY.decode(data).storage == [-1, 2])
        let half = Self.file(descriptor: "<f2", shape: "(1,)", bodyBytes: 0) + Data([0x00, 0x3C])
        #expect(try NPY.decode(half).storage == [1])
    }
}
