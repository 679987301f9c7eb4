import Foundation

extension ImageDecoder {
    /// The default ``pixelLimit``: 2^28 pixels (268,435,456, about 16k x 16k), Pillow's order of magnitude for
    /// `MAX_IMAGE_PIXELS`.
    public static let defaultPixelLimit = 1 << 28

    /// The most pixels (width x height) an image or mask may declare; a PNG or JPEG whose header declares more
    /// is refused with ``ImageError/tooManyPixels(path:width:height:limit:)`` before its pixels are allocated.
    ///
    /// Process-wide and safe to read and set from any thread; every decode (``decodeRGB(_:path:)``,
    /// ``PNGCodec/decode(_:path:)``, ``JPEGCodec/decodeRaw(_:path:)``, and the datasets' masks through them)
    /// reads it when it starts. `bench` sets it from `--max-image-pixels` through ``setPixelLimit(_:)``.
    public static var pixelLimit: Int {
        get { PixelLimitStore.shared.value }
        set { PixelLimitStore.shared.value = max(1, newValue) }
    }

    /// Sets ``pixelLimit`` for the whole process, or restores ``defaultPixelLimit`` when `limit` is nil.
    /// - Parameter limit: the most pixels an image may declare (values below 1 count as 1).
    public static func setPixelLimit(_ limit: Int?) {
        pixelLimit = limit ?? defaultPixelLimit
    }

    /// Throws ``ImageError/tooManyPixels(path:width:height:limit:)`` when `width x height` exceeds ``pixelLimit``
    /// (for decoders outside the PNG and JPEG codecs, such as images stored in a container file).
    public static func checkPixelCount(width: Int, height: Int, path: String) throws(ImageError) {
        let limit = pixelLimit
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > limit {
            throw .tooManyPixels(path: path, width: width, height: height, limit: limit)
        }
    }
}

/// The lock-protected storage of ``ImageDecoder/pixelLimit``.
private final class PixelLimitStore: @unchecked Sendable {
    static let shared = PixelLimitStore()

    private let lock = NSLock()
    private var stored = ImageDecoder.defaultPixelLimit

    var value: Int {
        get {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            stored = newValue
        }
    }
}
