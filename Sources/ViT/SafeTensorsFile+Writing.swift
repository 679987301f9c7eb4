import Foundation
import Tensor

extension SafeTensorsFile {
    /// The bytes of a safetensors file holding `tensors` as F32, laid out as `safetensors.torch.save_file` lays them
    /// out: entries in name order (all F32, so the writer's alignment-then-name sort is the name order), the header
    /// padded with spaces to a multiple of 8 bytes, then the data.
    /// - Parameters:
    ///   - tensors: names and values; names must be distinct.
    ///   - metadata: the optional `__metadata__` map.
    public static func encoded(_ tensors: [String: Tensor], metadata: [String: String]? = nil) -> Data {
        let names = tensors.keys.sorted()
        var fields: [String] = []
        if let metadata {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let end = offset + tensor.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            #if _endian(little)
                tensor.storage.withUnsafeBytes { data.append(contentsOf: $0) }
            #else
                for value in tensor.storage {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            #endif
        }
        return data
    }

    /// Writes ``encoded(_:metadata:)`` to `path` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String]? = nil, to path: String) throws {
        try encoded(tensors, metadata: metadata).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
