import ArgumentParser
import Reports

/// `--gallery N` or `--gallery none`: how many images the report's gallery shows with every method.
struct GalleryOption: ExpressibleByArgument, Equatable {
    /// Images shown with every method; 0 draws no gallery.
    var count: Int

    init(count: Int) {
        self.count = count
    }

    init?(argument: String) {
        if argument == "none" {
            count = 0
        } else if let value = Int(argument), value >= 0 {
            count = value
        } else {
            return nil
        }
    }

    static let standard = GalleryOption(count: RunReport.defaultGalleryCount)

    var defaultValueDescription: String { count == 0 ? "none" : String(count) }
}
