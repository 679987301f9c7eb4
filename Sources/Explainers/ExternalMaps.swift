import Foundation
import Imaging
import Tensor

/// Maps computed elsewhere (any framework), read from disk per image so they are evaluated exactly like a
/// built-in method's: `maps:DIR` in a method list, or a named set (`--maps NAME=DIR`).
///
/// For the context's image id the map is `DIR/<id>.npy`, else `DIR/<id>.png` (an id with `/` reads from a
/// subfolder):
/// - `.npy`: any numeric dtype NumPy writes (float32 and float64 expected; values as stored), shape `[h, w]`
///   or `[1, h, w]`, any size;
/// - `.png`: 8- or 16-bit grayscale, values divided by 255 or 65535 into `[0, 1]`.
///
/// The loaded array is the raw grid (``Heatmap/grid``); like every method's it reaches the input resolution by
/// ``Heatmap/upsampled(to:)`` (bilinear, `align_corners=False`, for any size smaller or larger than the input)
/// and is then min-max normalised. A missing file, another shape or colour type, an unreadable file, or a NaN or
/// infinite value is an ``ExplainerError/externalMap(path:reason:)`` for that image only. Needs no pass.
///
/// In a method list everything after `maps:` up to the next comma is the folder (colons and `=` included), so a
/// folder whose name holds a comma must be given as a named set instead.
public struct ExternalMaps: ExplanationMethod {
    public let id: String
    /// The folder holding `<id>.npy` / `<id>.png`.
    public let directory: String

    /// Maps in `directory`; `name` is the id in tables (default `maps:DIR`).
    public init(directory: String, name: String? = nil) {
        self.directory = directory
        id = name ?? "maps:\(directory)"
    }

    /// How `bench methods` describes `maps:DIR` (not a registry entry: it needs a folder, so `all` cannot build
    /// it). It has no options: everything after `maps:` is the folder (``argumentNote``).
    public static let usage = MethodDescriptor(
        id: "maps:DIR",
        summary: "Maps read from DIR/<image id>.npy or .png (any size; resized like every method)",
        citation: "External: any implementation, evaluated like a built-in",
        passes: "none",
        isClassSpecific: true
    ) { (_: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        throw .invalidOption(method: "maps", option: "DIR", reason: "give a folder: maps:DIR")
    }

    /// What `bench methods` says of the folder argument.
    package static let argumentNote = "DIR is all the text after 'maps:'; or name a set with --maps NAME=DIR"

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] { [] }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        guard let imageID = context.imageID, !imageID.isEmpty else {
            throw .externalMap(path: directory, reason: "the image has no id to name its map file by")
        }
        let base = URL(fileURLWithPath: directory).appendingPathComponent(imageID).path
        let npyPath = base + ".npy"
        let pngPath = base + ".png"
        let grid: Tensor
        if FileManager.default.fileExists(atPath: npyPath) {
            grid = try Self.readNPY(npyPath)
        } else if FileManager.default.fileExists(atPath: pngPath) {
            grid = try Self.readPNG(pngPath)
        } else {
            throw .externalMap(path: npyPath, reason: "no map for image '\(imageID)' (looked for .npy and .png)")
        }
        return Heatmap(grid: grid)
    }

    /// A `[h, w]` or `[1, h, w]` array as `[h, w]`.
    static func readNPY(_ path: String) throws(ExplainerError) -> Tensor {
        let array: Tensor
        do {
            array = try NPY.read(contentsOf: path)
        } catch {
            throw .externalMap(path: path, reason: "unreadable .npy: \(error)")
        }
        let shape = array.shape
        let isMap = shape.count == 2 || (shape.count == 3 && shape[0] == 1)
        guard isMap, let height = shape.dropLast().last, let width = shape.last, height > 0, width > 0 else {
            throw .externalMap(path: path, reason: "shape \(shape) is not [h, w] or [1, h, w] with h, w > 0")
        }
        if let bad = array.storage.first(where: { !$0.isFinite }) {
            throw .externalMap(path: path, reason: "the map holds a non-finite value (\(bad))")
        }
        return array.reshaped([height, width])
    }

    /// An 8- or 16-bit grayscale PNG as `[h, w]` in `[0, 1]`.
    static func readPNG(_ path: String) throws(ExplainerError) -> Tensor {
        let image: PNGImage
        do {
            image = try PNGCodec.decode(contentsOf: path)
        } catch {
            throw .externalMap(path: path, reason: "unreadable .png: \(error)")
        }
        guard image.colorType == .gray, image.width > 0, image.height > 0 else {
            throw .externalMap(path: path, reason: "not a grayscale PNG (colour type \(image.colorType))")
        }
        let values: [Float]
        switch image.samples {
        case .eight(let samples) where image.bitDepth == 8:
            values = samples.map { Float($0) / 255 }
        case .sixteen(let samples):
            values = samples.map { Float($0) / 65535 }
        default:
            throw .externalMap(path: path, reason: "bit depth \(image.bitDepth); maps must be 8- or 16-bit")
        }
        return Tensor(shape: [image.height, image.width], storage: values)
    }
}
