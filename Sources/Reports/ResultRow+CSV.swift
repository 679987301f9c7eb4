extension ResultRow {
    /// The row as one `per_image.csv` line (no line break). Values use Swift's shortest round-trip form,
    /// so reading a file back gives the same `Double`s and tables do not depend on whether a run resumed.
    public var csvLine: String {
        let text = value.isNaN ? "nan" : "\(value)"
        return CSVLine.encode([String(index), imageID, label, method, metric, text])
    }

    /// Parses one `per_image.csv` line; nil when it is not a well-formed row.
    public init?(csvLine line: Substring) {
        guard let fields = CSVLine.decode(line), fields.count == 6, let index = Int(fields[0]) else { return nil }
        let value: Double
        if fields[5] == "nan" {
            value = .nan
        } else if let parsed = Double(fields[5]) {
            value = parsed
        } else {
            return nil
        }
        self.init(
            index: index, imageID: fields[1], label: fields[2], method: fields[3], metric: fields[4], value: value)
    }
}
