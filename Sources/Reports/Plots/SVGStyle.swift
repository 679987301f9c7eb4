/// Where an SVG plot goes: a standalone `.svg` file next to the tables, or inline in `report.html`.
///
/// A standalone file names the SVG namespace and paints a white background with black ink; an inline plot
/// draws its ink in `currentColor`, so it follows the page's light or dark scheme.
public enum SVGStyle: Sendable {
    case standalone
    case inline

    /// The opening `<svg>` tag of a `width x height` plot.
    func open(width: Double, height: Double, label: String) -> String {
        let size =
            "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\""
        switch self {
        case .standalone:
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" \(size) font-family=\"sans-serif\" font-size=\"11\" "
                + "color=\"#222\" fill=\"currentColor\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        case .inline:
            return "<svg class=\"plot\" \(size) font-family=\"sans-serif\" font-size=\"11\" fill=\"currentColor\" "
                + "role=\"img\" "
                + "aria-label=\"\(HTMLText.escape(label))\">"
        }
    }

    /// Coordinates with two decimals, trailing zeros dropped.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
