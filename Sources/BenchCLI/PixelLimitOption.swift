import ArgumentParser
import Imaging

/// `--max-image-pixels N`: the most pixels an image or mask may declare before it is refused as a
/// decompression bomb (``ImageDecoder/pixelLimit``). Every command that decodes files offers it.
enum PixelLimitOption {
    /// The option's help, shared by every command that declares it.
    static let help = ArgumentHelp(
        "Refuse images and masks whose header declares more than N pixels (default \(ImageDecoder.defaultPixelLimit), "
            + "2^28, about 16k x 16k).",
        discussion:
            "The check reads only the header, so a decompression bomb costs nothing; raise N for trusted huge images.",
        valueName: "N")

    /// Checks the option's value.
    /// - Throws: `ValidationError` when `value` is below 1.
    static func validate(_ value: Int?) throws {
        if let value, value < 1 {
            throw ValidationError("--max-image-pixels must be at least 1, not \(value)")
        }
    }

    /// Sets the process-wide limit from the option; nil (the option absent) keeps the current limit, the
    /// default unless something set it.
    /// - Throws: `ValidationError` when `value` is below 1.
    static func apply(_ value: Int?) throws {
        try validate(value)
        if let value { ImageDecoder.setPixelLimit(value) }
    }
}
