/// Text made safe inside HTML and SVG element content and double-quoted attribute values.
enum HTMLText {
    /// `&`, `<`, `>` and `"` as character references; everything else as it is.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
