import Foundation
import SeededRandom
import Tensor
import TestSupport
import Testing

@testable import ViT

/// Hand-written safetensors files: valid ones, every kind of damage `validate()` rejects, and the dtype
/// conversions.
@Suite struct SafeTensorsTests {
    /// A file from a raw header string and data bytes (`padTo8` pads the header with spaces as the writer does).
    static func file(header: String, data: [UInt8], padTo8: Bool = true, length: UInt64? = nil) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        while padTo8 && headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        let declared = length ?? UInt64(headerBytes.count)
        return withUnsafeBytes(of: declared.littleEndian, Array.init) + headerBytes + data
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporary(_ bytes: [UInt8], name: String = "test.safetensors") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The reason opening `bytes` fails with (and a check that the error names the file).
    static func failure(_ bytes: [UInt8]) throws -> CheckpointError.Reason? {
        let path = try temporary(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try SafeTensorsFile(contentsOf: path)
            return nil
        } catch let error as CheckpointError {
            #expect(error.file == path)
            #expect(error.description.hasPrefix(path))
            return error.reason
        }
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    @Test func readsAValidFileWithMetadata() throws {
        let header = """
            {"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},\
            "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"e":{"dtype":"F32","shape":[0,4],\
            "data_offsets":[32,32]},"s":{"dtype":"F32","shape":[],"data_offsets":[32,36]}}
            """
        let bytes = Self.file(header: header, data: Self.floatBytes([1, 2, 3, 4, 5, 6, -1.5, 7, 42]))
        let path = try Self.temporary(bytes)
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.names == ["a", "b", "e", "s"])
        #expect(try file.tensor(named: "a") == Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6]))
        #expect(try file.tensor(named: "b") == Tensor(shape: [2], storage: [-1.5, 7]))
        #expect(try file.tensor(named: "e") == Tensor(shape: [0, 4], storage: []))
        #expect(try file.tensor(named: "s") == Tensor(shape: [], storage: [42]))
        // Released pages fault back in from the file: reading again gives the same values.
        #expect(try file.tensor(named: "a").storage == [1, 2, 3, 4, 5, 6])
        #expect(throws: CheckpointError(file: path, reason: .noSuchTensor("zz"))) { try file.tensor(named: "zz") }
    }

    @Test func writerRoundTrips() throws {
        var generator = SplitMix64(seed: 11)
        let tensors = [
            "x.weight": Tensor(
                shape: [3, 5], storage: (0..<15).map { _ in Float.random(in: -2...2, using: &generator) }),
            "y": Tensor(shape: [7], storage: (0..<7).map { Float($0) }),
            "quote\"name": Tensor(shape: [1], storage: [3]),
        ]
        let bytes = SafeTensorsFile.encoded(tensors, metadata: ["format": "pt"])
        #expect(bytes.count % 4 == 0)
        let file = try SafeTensorsFile(contentsOf: try Self.temporary(Array(bytes)))
        #expect(file.metadata == ["format": "pt"])
        #expect(file.dataStart % 8 == 0)
        for (name, tensor) in tensors { #expect(try file.tensor(named: name) == tensor) }
    }

    /// Every prefix of a valid file (and a few bytes appended) is an error, never a crash.
    @Test func everyTruncationIsAnError() throws {
        let header = """
            {"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F16","shape":[3],\
            "data_offsets":[16,22]}}
            """
        let valid = Self.file(header: header, data: Self.floatBytes([1, 2, 3, 4]) + [0, 60, 0, 64, 0, 66])
        #expect(try Self.failure(valid) == nil)
        for length in 0..<valid.count {
            let reason = try Self.failure(Array(valid.prefix(length)))
            #expect(reason != nil, "prefix of \(length) bytes was accepted")
        }
        #expect(try Self.failure(valid + [0]) != nil)
    }

    @Test func randomDamageNeverCrashes() throws {
        let fixture = try CheckpointFixture.bytes("timm_vit.safetensors")
        var generator = SplitMix64(seed: 5)
        for round in 0..<60 {
            let damaged = generator.damaged(fixture, round: round, flips: 4)
            let path = try Self.temporary(damaged)
            defer { try? FileManager.default.removeItem(atPath: path) }
            // Either an error or a loadable file; flips in the data buffer keep the file valid.
            if let file = try? SafeTensorsFile(contentsOf: path) {
                for name in file.names { _ = try? file.tensor(named: name) }
            }
        }
    }

    static let entry = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    @Test(
        "a header naming a tensor twice is refused (a JSON reader would keep one silently)",
        arguments: [
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}, "\u0061" :{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"x":"{\"a\":1}"},"a":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},"a":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}"#,
        ])
    func rejectsDuplicateKeys(header: String) throws {
        #expect(try Self.failure(Self.file(header: header, data: Self.floatBytes([1, 2]))) == .duplicateKey("a"))
    }

    @Test("keys repeated only inside values (metadata, entries) are not duplicates")
    func nestedRepeatsAreFine() throws {
        let header =
            #"{"__metadata__":{"a":"a","b":"[\"a\"]"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let path = try Self.temporary(Self.file(header: header, data: Self.floatBytes([1, 2])))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.names == ["a"])
    }

    @Test func rejectsHostileHeaders() throws {
        let data = Self.floatBytes([1, 2])
        // A header length far beyond the limit, and one within the limit but beyond the file.
        #expect(
            try Self.failure(Self.file(header: Self.entry, data: data, length: 1 << 40)) == .headerTooLarge(1 << 40))
        #expect(
            try Self.failure(Self.file(header: Self.entry, data: data, length: UInt64.max)) == .headerTooLarge(.max))
        #expect(
            try Self.failure(Self.file(header: Self.entry, data: data, length: 100_000_000))
                == .truncated(fileSize: 72, needed: 100_000_008))
        // Not an object, not JSON, not starting with '{', empty.
        #expect(
            try Self.failure(Self.file(header: "[1, 2]", data: []))
                == .malformedHeader("the header does not start with '{'"))
        #expect(
            try Self.failure(Self.file(header: " {}", data: []))
                == .malformedHeader("the header does not start with '{'"))
        #expect(try Self.failure(Self.file(header: "", data: [], padTo8: false)) != nil)
        if case .malformedHeader = try Self.failure(Self.file(header: "{\"a\": ", data: [])) {
        } else {
            Issue.record("unterminated JSON accepted")
        }
        if case .malformedHeader = try Self.failure(Self.file(header: "{}{}", data: [])) {
        } else {
            Issue.record("trailing JSON accepted")
        }
        // Bad metadata.
        #expect(
            try Self.failure(Self.file(header: #"{"__metadata__":{"k":1}}"#, data: []))
                == .malformedHeader("__metadata__ value of 'k' is not a string"))
        // An empty object with no data is a valid (empty) file.
        #expect(try Self.failure(Self.file(header: "{}", data: [])) == nil)
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "wrong byte size"),
        (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, "negative extent"),
        (#"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, "fractional extent"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, "reversed offsets"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, "one offset"),
        (#"{"a":{"dtype":"F32","shape":[2]}}"#, "no offsets"),
        (#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, "no dtype"),
        (#"{"a":[1,2]}"#, "entry not an object"),
        (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, "overflowing shape"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999]}}"#, "huge offset"),
    ])
    func rejectsInvalidEntries(header: String, label: String) throws {
        let reason = try Self.failure(Self.file(header: header, data: Self.floatBytes([1, 2])))
        switch reason {
        case .invalidEntry(let tensor, _): #expect(tensor == "a", "\(label)")
        case .malformedHeader: break
        default: Issue.record("\(label): \(String(describing: reason))")
        }
    }

    @Test func rejectsUnknownDTypes() throws {
        let header = #"{"a":{"dtype":"F5","shape":[2],"data_offsets":[0,8]}}"#
        #expect(
            try Self.failure(Self.file(header: header, data: Self.floatBytes([1, 2])))
                == .unsupportedDType(tensor: "a", dtype: "F5"))
        // A known but non-float dtype opens (it is a valid file) but cannot be read as Float.
        let integers = #"{"n":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        let path = try Self.temporary(Self.file(header: integers, data: [1, 0, 0, 0, 0, 0, 0, 0]))
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(throws: CheckpointError(file: path, reason: .unsupportedDType(tensor: "n", dtype: "I64"))) {
            try file.tensor(named: "n")
        }
    }

    @Test func rejectsHolesOverlapsAndShortData() throws {
        let hole =
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        if case .invalidLayout(let detail) = try Self.failure(
            Self.file(header: hole, data: Self.floatBytes([1, 2, 3])))
        {
            #expect(detail.contains("hole"))
        } else {
            Issue.record("hole accepted")
        }
        let overlap =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        if case .invalidLayout(let detail) = try Self.failure(
            Self.file(header: overlap, data: Self.floatBytes([1, 2])))
        {
            #expect(detail.contains("overlap"))
        } else {
            Issue.record("overlap accepted")
        }
        let late = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        if case .invalidLayout = try Self.failure(Self.file(header: late, data: Self.floatBytes([1, 2]))) {
        } else {
            Issue.record("leading hole accepted")
        }
        // Data shorter or longer than the entries say.
        #expect(try Self.failure(Self.file(header: Self.entry, data: Self.floatBytes([1]))) != nil)
        if case .invalidLayout = try Self.failure(Self.file(header: Self.entry, data: Self.floatBytes([1, 2, 3]))) {
        } else {
            Issue.record("trailing bytes accepted")
        }
    }

    @Test func rejectsDirectoriesAndMissingFiles() throws {
        let missing = "/nonexistent/\(UUID().uuidString).safetensors"
        #expect(throws: CheckpointError.self) { try SafeTensorsFile(contentsOf: missing) }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: CheckpointError(file: folder, reason: .unreadable("not a regular file"))) {
            try SafeTensorsFile(contentsOf: folder)
        }
    }

    /// IEEE binary16 decoded from its fields, independently of `Float16`.
    static func halfReference(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    @Test func convertsEveryHalfAndBFloat16Pattern() throws {
        let patterns = (0...UInt16.max).map { $0 }
        let raw = patterns.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        let header = """
            {"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]},\
            "b":{"dtype":"BF16","shape":[256,256],"data_offsets":[131072,262144]}}
            """
        let file = try SafeTensorsFile(contentsOf: try Self.temporary(Self.file(header: header, data: raw + raw)))
        let half = try file.tensor(named: "h")
        let brain = try file.tensor(named: "b")
        #expect(brain.shape == [256, 256])
        var mismatches = 0
        for (index, bits) in patterns.enumerated() {
            let expected = Self.halfReference(bits)
            let value = half.storage[index]
            if expected.isNaN ? !value.isNaN : value.bitPattern != expected.bitPattern { mismatches += 1 }
            let brainExpected = Float(bitPattern: UInt32(bits) << 16)
            let brainValue = brain.storage[index]
            if brainExpected.isNaN ? !brainValue.isNaN : brainValue.bitPattern != brainExpected.bitPattern {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test func convertsDoubles() throws {
        let values: [Double] = [0, -1.5, 1e-3, 3.141592653589793, 1e300]
        let raw = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let header = #"{"d":{"dtype":"F64","shape":[5],"data_offsets":[0,40]}}"#
        let file = try SafeTensorsFile(contentsOf: try Self.temporary(Self.file(header: header, data: raw)))
        #expect(try file.tensor(named: "d").storage == values.map { Float($0) })
    }
}
